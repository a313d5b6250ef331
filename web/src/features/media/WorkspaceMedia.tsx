// Media panels in a workspace, after the line charts: a section per key prefix (like the charts'),
// each media key drawn by the panel of its kind for the selected runs. Image panels put the runs
// side by side; histograms, charts and other media get a panel per run; a table shows the first
// run that logged it (join another run in the viewer).
import { useQuery } from "@tanstack/react-query";
import type { JSX } from "react";
import { sectionOf } from "../charts/lib/sections";
import { type MediaKey, mediaApi } from "./api";
import { HistogramPanel } from "./components/HistogramPanel";
import { ImagePanel, type PanelRun } from "./components/ImagePanel";
import { OtherPanel } from "./components/OtherPanel";
import { PlotPanel } from "./components/PlotPanel";
import { TableViewer } from "./components/TableViewer";
import "./media.css";

/** At most this many runs get a panel each for one key (the first ones, in table order). */
const MAX_RUN_PANELS = 6;

function panelsOf(project: string, runs: PanelRun[], key: MediaKey, metricKeys: ReadonlySet<string>): JSX.Element[] {
  const logged = runs.filter((r) => key.runs.includes(r.id));
  if (key.kind === "image") return [<ImagePanel key={key.key} project={project} runs={logged.slice(0, 8)} mediaKey={key.key} />];
  if (key.kind === "table") {
    const first = logged[0];
    return first ? [<TableViewer key={key.key} project={project} runId={first.id} mediaKey={key.key} />] : [];
  }
  return logged.slice(0, MAX_RUN_PANELS).map((run) => {
    const id = `${key.key}\u0001${run.id}`;
    const title = logged.length > 1 ? run.name : undefined;
    if (key.kind === "histogram") {
      const norm = `${key.key}/norm`;
      return (
        <HistogramPanel key={id} project={project} runId={run.id} mediaKey={key.key} normKey={metricKeys.has(norm) ? norm : null} runName={title} />
      );
    }
    if (key.kind === "plot") return <PlotPanel key={id} project={project} runId={run.id} mediaKey={key.key} runName={title} />;
    return <OtherPanel key={id} project={project} runId={run.id} mediaKey={key.key} kind={key.kind} runName={title} />;
  });
}

export function WorkspaceMedia({
  project,
  runs,
  metricKeys,
}: {
  project: string;
  runs: PanelRun[];
  metricKeys: readonly string[];
}): JSX.Element | null {
  const ids = runs.map((r) => r.id).sort();
  const query = useQuery({
    queryKey: ["media-keys", project, ids],
    queryFn: () => mediaApi.keys(project, ids),
    enabled: ids.length > 0,
    staleTime: 10_000,
    refetchInterval: 30_000,
  });
  const keys = query.data?.keys ?? [];
  if (!keys.length) return null;
  const metrics = new Set(metricKeys);
  const sections = new Map<string, MediaKey[]>();
  for (const key of keys) {
    const name = sectionOf(key.key);
    sections.set(name, [...(sections.get(name) ?? []), key]);
  }
  return (
    <div className="md-workspace" data-testid="workspace-media">
      {[...sections].map(([name, found]) => (
        <section key={name} className="cc-section md-section" data-testid="media-section" data-section={name}>
          <h3 className="md-section-title">
            {name} <span className="md-note">media</span> <span className="cc-section-count">{found.length}</span>
          </h3>
          <div className="cc-grid">{found.flatMap((key) => panelsOf(project, runs, key, metrics))}</div>
        </section>
      ))}
    </div>
  );
}
