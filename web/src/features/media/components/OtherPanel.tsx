// Text, HTML (in a sandboxed frame of its own, see lib/htmlDocument), audio, video and 3-D points,
// at a step picked from the ones logged.
import { useQuery } from "@tanstack/react-query";
import DOMPurify from "dompurify";
import { type JSX, useMemo, useState } from "react";
import { useDocumentTheme } from "../../charts/hooks/useDocumentTheme";
import { blobUrl, type MediaKind, type MediaValue, mediaApi } from "../api";
import { HTML_SANDBOX, htmlDocument, htmlTheme } from "../lib/htmlDocument";
import { itemsOf } from "../lib/steps";
import { type ChartOption, EChart } from "./EChart";

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

export function OtherPanel({
  project,
  runId,
  mediaKey,
  kind,
  runName,
}: {
  project: string;
  runId: string;
  mediaKey: string;
  kind: MediaKind;
  runName?: string;
}): JSX.Element {
  const query = useQuery({
    queryKey: ["media", project, [runId], mediaKey],
    queryFn: () => mediaApi.values(project, [runId], mediaKey),
  });
  const values: MediaValue[] = query.data?.runs[0]?.values ?? [];
  const [picked, setPicked] = useState<number | null>(null);
  const value = values[picked ?? values.length - 1];
  return (
    <div className="cc-panel md-panel" data-w="1" data-testid="other-panel" data-key={mediaKey}>
      <div className="cc-panel-head">
        <h4 className="cc-panel-title" title={mediaKey}>
          {mediaKey}
          {runName && <span className="md-run-tag"> · {runName}</span>}
        </h4>
        {values.length > 1 && (
          <select value={picked ?? values.length - 1} onChange={(e) => setPicked(Number(e.target.value))} aria-label={`Step of ${mediaKey}`}>
            {values.map((v, i) => (
              <option key={v.seq} value={i}>
                step {v.step}
              </option>
            ))}
          </select>
        )}
        {values.length === 1 && value && <span className="md-note">step {value.step}</span>}
      </div>
      <div className="md-other">
        {value ? itemsOf<Record<string, unknown>>(value.meta).map((meta, i) => <Item key={i} kind={kind} meta={meta} />) : <div className="md-missing">{query.isPending ? "Loading…" : "nothing logged"}</div>}
      </div>
    </div>
  );
}
