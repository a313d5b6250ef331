// Text, HTML (in a sandboxed frame of its own, see lib/htmlDocument), audio, video and 3-D points,
// at a step picked from the ones logged, the chosen runs side by side.
import { useQuery } from "@tanstack/react-query";
import DOMPurify from "dompurify";
import { type JSX, useMemo, useState } from "react";
import { useDocumentTheme } from "../../charts/hooks/useDocumentTheme";
import { blobUrl, type MediaKind, type MediaValue, mediaApi } from "../api";
import { HTML_SANDBOX, htmlDocument, htmlTheme } from "../lib/htmlDocument";
import type { MediaRun } from "../lib/runChoice";
import { itemsOf, unionSteps, valueAt } from "../lib/steps";
import { type ChartOption, EChart } from "./EChart";
import { RunChooser, RunTag, useRunChoice } from "./RunChooser";

function Points({ digest }: { digest: string }): JSX.Element {
  const query = useQuery({
    queryKey: ["points", digest],
    queryFn: async () => (await (await fetch(blobUrl(digest))).json()) as number[][],
  });
  const option = useMemo((): ChartOption | null => {
    if (!query.data) return null;
    return {
      animation: false,
      grid: { left: 36, right: 8, top: 8, bottom: 24 },
      xAxis: { type: "value", scale: true, name: "x" },
      yAxis: { type: "value", scale: true, name: "y" },
      series: [{ type: "scatter", symbolSize: 3, data: query.data.map((p) => [p[0], p[1]]) }],
    };
  }, [query.data]);
  return option ? <EChart option={option} testId="points-chart" height={220} /> : <div className="md-missing">Loading…</div>;
}

/** Logged HTML in a sandboxed frame; DOMPurify first drops scripts, handlers and <meta>/<base>. */
function HtmlFrame({ html }: { html: string }): JSX.Element {
  const theme = htmlTheme(useDocumentTheme());
  const doc = useMemo(() => htmlDocument(DOMPurify.sanitize(html, { FORCE_BODY: true }), theme), [html, theme]);
  return (
    <iframe
      className="md-html"
      data-testid="media-html"
      title="Logged HTML"
      sandbox={HTML_SANDBOX}
      referrerPolicy="no-referrer"
      srcDoc={doc}
    />
  );
}

function Item({ kind, meta }: { kind: MediaKind; meta: Record<string, unknown> }): JSX.Element {
  const blob = typeof meta.blob === "string" ? meta.blob : null;
  const caption = typeof meta.caption === "string" ? <div className="md-caption">{meta.caption}</div> : null;
  if ("error" in meta) return <div className="md-missing error-text">{String(meta.error)}</div>;
  if (kind === "text") return <pre className="md-text">{String(meta.text ?? "")}</pre>;
  if (kind === "html") return <HtmlFrame html={String(meta.html ?? "")} />;
  if (!blob) return <div className="md-missing">no file</div>;
  if (kind === "audio") {
    return (
      <div>
        <audio controls src={blobUrl(blob)} preload="none" />
        {caption}
      </div>
    );
  }
  if (kind === "video") {
    return (
      <div>
        {meta.format === "gif" ? <img className="md-video" src={blobUrl(blob)} alt="" /> : <video className="md-video" controls src={blobUrl(blob)} />}
        {caption}
      </div>
    );
  }
  if (kind === "object3d") {
    if (meta.format !== "pts.json") {
      return (
        <a href={blobUrl(blob)} download>
          download the {String(meta.format)} file
        </a>
      );
    }
    return (
      <div>
        <Points digest={blob} />
        <div className="md-caption">{String(meta.points)} points, seen from above (x, y)</div>
        {caption}
      </div>
    );
  }
  return <div className="md-missing">{kind}</div>;
}

/** At most this many runs side by side in one panel (pick others in the head). */
export const MAX_OTHER_RUNS = 4;

export function OtherPanel({
  project,
  runs,
  mediaKey,
  kind,
}: {
  project: string;
  /** the runs that logged the key, in table order */
  runs: readonly MediaRun[];
  mediaKey: string;
  kind: MediaKind;
}): JSX.Element {
  const choice = useRunChoice(runs, MAX_OTHER_RUNS);
  const ids = choice.shown.map((r) => r.id);
  const query = useQuery({
    queryKey: ["media", project, ids, mediaKey],
    queryFn: () => mediaApi.values(project, ids, mediaKey),
    enabled: ids.length > 0,
  });
  const data = query.data?.runs ?? [];
  const steps = useMemo(() => unionSteps(data), [data]);
  const [picked, setPicked] = useState<number | null>(null);
  const step = picked !== null && steps.includes(picked) ? picked : (steps[steps.length - 1] ?? 0);
  const named = runs.length > 1;
  const values = new Map(data.map((run) => [run.run_id, valueAt(run.values, step)]));
  return (
    <div className="cc-panel md-panel" data-w={named ? "3" : "1"} data-testid="other-panel" data-key={mediaKey}>
      <div className="cc-panel-head">
        <h4 className="cc-panel-title" title={mediaKey}>
          {mediaKey}
        </h4>
        {!named && runs[0] && <RunTag run={runs[0]} />}
        {steps.length > 1 && (
          <select value={step} onChange={(e) => setPicked(Number(e.target.value))} aria-label={`Step of ${mediaKey}`}>
            {steps.map((s) => (
              <option key={s} value={s}>
                step {s}
              </option>
            ))}
          </select>
        )}
        {steps.length === 1 && <span className="md-note">step {step}</span>}
        <RunChooser choice={choice} mediaKey={mediaKey} />
      </div>
      <div className="md-multiples" style={{ gridTemplateColumns: `repeat(${Math.max(choice.shown.length, 1)}, minmax(0, 1fr))` }}>
        {choice.shown.map((run) => {
          const value: MediaValue | null = values.get(run.id) ?? null;
          return (
            <div key={run.id} className="md-multiple md-other" data-testid="other-run" data-run-id={run.id}>
              {named && (
                <div className="md-multiple-head">
                  <RunTag run={run} />
                </div>
              )}
              {value ? (
                itemsOf<Record<string, unknown>>(value.meta).map((meta, i) => <Item key={i} kind={kind} meta={meta} />)
              ) : (
                <div className="md-missing">{query.isPending ? "Loading…" : `nothing logged by step ${step}`}</div>
              )}
            </div>
          );
        })}
      </div>
    </div>
  );
}
