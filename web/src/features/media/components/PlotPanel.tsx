// A `cairn.plot` key (confusion matrix, PR/ROC curves, line, scatter, bar, histogram) compared
// across runs: one chart per run side by side, drawn with ECharts from the table each carries, the
// runs named and chosen in the head.
import { useQuery } from "@tanstack/react-query";
import { type JSX, useMemo } from "react";
import { useChartTheme } from "../../../lib/chartTheme";
import { mediaApi, type PlotSpec, type TablePage } from "../api";
import { plotOption } from "../lib/plotOption";
import type { MediaRun } from "../lib/runChoice";
import { AddMediaToReport } from "../../reports/components/AddMediaToReport";
import { EChart } from "./EChart";
import { RunChooser, RunTag, useRunChoice } from "./RunChooser";

/** At most this many runs' charts in one panel (pick others in the head). */
export const MAX_PLOT_RUNS = 4;

function usePlot(project: string, runId: string, mediaKey: string) {
  return useQuery({
    queryKey: ["plot", project, runId, mediaKey],
    queryFn: () => mediaApi.table(project, runId, { key: mediaKey, limit: 5000 }),
    enabled: runId !== "",
  });
}

function RunPlot({
  project,
  run,
  mediaKey,
  named,
  compact,
}: {
  project: string;
  run: MediaRun;
  mediaKey: string;
  named: boolean;
  compact: boolean;
}): JSX.Element {
  const query = usePlot(project, run.id, mediaKey);
  const spec = query.data?.spec ?? null;
  return (
    <div className="md-multiple" data-testid="plot-run" data-run-id={run.id}>
      {named && (
        <div className="md-multiple-head">
          <RunTag run={run} />
        </div>
      )}
      {spec && query.data ? (
        <PlotChart spec={spec} page={query.data} compact={compact} />
      ) : (
        <div className="md-missing">{query.error ? query.error.message : query.isPending ? "Loading…" : "not a chart"}</div>
      )}
    </div>
  );
}

/** One logged chart drawn from its spec and table rows: the run page's, and a report's plot panel. */
export function PlotChart({ spec, page, compact = false }: { spec: PlotSpec; page: Pick<TablePage, "data">; compact?: boolean }): JSX.Element {
  const theme = useChartTheme();
  const option = useMemo(() => plotOption(spec, page, theme, compact), [spec, page, theme, compact]);
  return <EChart option={option} testId="plot-chart" height={260} />;
}

export function PlotPanel({ project, runs, mediaKey }: { project: string; runs: readonly MediaRun[]; mediaKey: string }): JSX.Element {
  const choice = useRunChoice(runs, MAX_PLOT_RUNS);
  // The head names the chart by the first run's spec (the same query its chart uses: one request).
  const first = usePlot(project, choice.shown[0]?.id ?? "", mediaKey);
  const spec = first.data?.spec ?? null;
  const named = runs.length > 1;
  const columns = Math.max(Math.min(choice.shown.length, MAX_PLOT_RUNS), 1);
  return (
    <div className="cc-panel md-panel" data-w={named ? "3" : "1"} data-testid="plot-panel" data-key={mediaKey} data-type={spec?.type}>
      <div className="cc-panel-head">
        <h4 className="cc-panel-title" title={mediaKey}>
          {spec?.title || mediaKey}
        </h4>
        {spec && <span className="md-note">{spec.type.replace("_", " ")}</span>}
        {!named && runs[0] && <RunTag run={runs[0]} />}
        <RunChooser choice={choice} mediaKey={mediaKey} />
        {!named && runs[0] && spec && <AddMediaToReport project={project} kind="plot" runId={runs[0].id} mediaKey={mediaKey} step={first.data?.step ?? null} />}
      </div>
      <div className="md-multiples" style={{ gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))` }}>
        {choice.shown.map((run) => (
          <RunPlot key={run.id} project={project} run={run} mediaKey={mediaKey} named={named} compact={columns > 2} />
        ))}
      </div>
    </div>
  );
}
