// The run page's Media tab: a section per kind (images, histograms, plots, tables, other), a panel
// per logged key, in key order.
import { useQuery } from "@tanstack/react-query";
import { type JSX, useMemo } from "react";
import type { RunDetail } from "../../api/types";
import { runColor, useRunColorsVersion } from "../../lib/colors";
import { type MediaKey, mediaApi } from "./api";
import { HistogramPanel } from "./components/HistogramPanel";
import { ImagePanel } from "./components/ImagePanel";
import { OtherPanel } from "./components/OtherPanel";
import { PlotPanel } from "./components/PlotPanel";
import { TableViewer } from "./components/TableViewer";
import "../charts/charts.css";
import "./media.css";

const SECTIONS: { id: string; label: string; kinds: string[] }[] = [
  { id: "images", label: "Images", kinds: ["image"] },
  { id: "histograms", label: "Histograms", kinds: ["histogram"] },
  { id: "plots", label: "Charts", kinds: ["plot"] },
  { id: "tables", label: "Tables", kinds: ["table"] },
  { id: "other", label: "Text, audio, video and 3-D", kinds: ["text", "html", "audio", "video", "object3d"] },
];

export function MediaSections({ run, keys }: { run: RunDetail; keys: MediaKey[] }): JSX.Element {
  const colorsVersion = useRunColorsVersion();
  const runs = useMemo(() => [{ id: run.id, name: run.name, color: runColor(run) }], [run, colorsVersion]);
  const metrics = new Set(run.metric_keys);
  return (
    <>
      {SECTIONS.map((section) => {
        const found = keys.filter((k) => section.kinds.includes(k.kind));
        if (!found.length) return null;
        return (
          <section key={section.id} className="cc-section md-section" data-testid="media-section" data-section={section.id}>
            <h3 className="md-section-title">
              {section.label} <span className="cc-section-count">{found.length}</span>
            </h3>
            <div className="cc-grid">
              {found.map(({ key, kind }) => {
                if (kind === "image") return <ImagePanel key={key} project={run.project} runs={runs} mediaKey={key} />;
                if (kind === "histogram") {
                  const norm = `${key}/norm`;
                  return <HistogramPanel key={key} project={run.project} runs={runs} mediaKey={key} normKey={metrics.has(norm) ? norm : null} />;
                }
                if (kind === "plot") return <PlotPanel key={key} project={run.project} runs={runs} mediaKey={key} />;
                if (kind === "table") return <TableViewer key={key} project={run.project} runs={runs} mediaKey={key} />;
                return <OtherPanel key={key} project={run.project} runs={runs} mediaKey={key} kind={kind} />;
              })}
            </div>
          </section>
        );
      })}
    </>
  );
}

export function MediaTab({ run }: { run: RunDetail }): JSX.Element {
  const query = useQuery({
    queryKey: ["media-keys", run.project, run.id],
    queryFn: () => mediaApi.keys(run.project, [run.id]),
    refetchInterval: run.state === "running" ? 5000 : false,
  });
  if (query.error) return <div className="page-message error-text">{query.error.message}</div>;
  if (!query.data) return <div className="page-message muted">Loading media…</div>;
  if (!query.data.keys.length) {
    return (
      <div className="empty-state" data-testid="media-empty">
        <h2>No media logged</h2>
        <p>
          Log images, histograms, tables and charts with <code>run.log</code>, e.g.{" "}
          <code>run.log({"{"}"samples": cairn.Image(array){"}"})</code>.
        </p>
      </div>
    );
  }
  return (
    <div className="cc-root md-tab" data-testid="media-tab">
      <MediaSections run={run} keys={query.data.keys} />
    </div>
  );
}
