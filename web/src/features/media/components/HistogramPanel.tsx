// A histogram key compared across runs: one heatmap per run (steps across, values up, colour the
// count), small multiples on one shared value range, the runs named and chosen in the head. A
// `gradients/<layer>` panel also draws the layer's gradient norm (`gradients/<layer>/norm`), one
// line per run in the run's colour.
import { useQuery } from "@tanstack/react-query";
import { type JSX, useMemo } from "react";
import { api } from "../../../api/client";
import { type ChartTheme, useChartTheme } from "../../../lib/chartTheme";
import { type HistogramSeries, mediaApi } from "../api";
import { histogramOption } from "../lib/histogramOption";
import { normOption } from "../lib/normOption";
import type { MediaRun } from "../lib/runChoice";
import { type ChartOption, EChart } from "./EChart";
import { RunChooser, RunTag, useRunChoice } from "./RunChooser";

/** At most this many runs' heatmaps in one panel (pick others in the head). */
export const MAX_HISTOGRAM_RUNS = 6;

const NO_SERIES: HistogramSeries = { edges: [], steps: [], counts: [], nan: [] };

function RunHeatmap({ run, series, named, theme }: { run: MediaRun; series: HistogramSeries; named: boolean; theme: ChartTheme }): JSX.Element {
  const option = useMemo((): ChartOption | null => histogramOption(series, theme, named), [series, theme, named]);
  const nonfinite = series.nan.reduce((a, b) => a + b, 0);
  return (
    <div className="md-multiple" data-testid="histogram-run" data-run-id={run.id}>
      {(named || nonfinite > 0) && (
        <div className="md-multiple-head">
          {named && <RunTag run={run} />}
          {nonfinite > 0 && <span className="md-note">{nonfinite} NaN/Inf not binned</span>}
        </div>
      )}
      {option ? (
        <EChart option={option} testId="histogram-heatmap" height={named ? 150 : 200} />
      ) : (
        <div className="md-missing">no histograms</div>
      )}
    </div>
  );
}

export function HistogramPanel({
  project,
  runs,
  mediaKey,
  normKey,
}: {
  project: string;
  /** the runs that logged the key, in table order */
  runs: readonly MediaRun[];
  mediaKey: string;
  normKey: string | null;
}): JSX.Element {
  const choice = useRunChoice(runs, MAX_HISTOGRAM_RUNS);
  const ids = choice.shown.map((r) => r.id);
  const query = useQuery({
    queryKey: ["histograms", project, ids, mediaKey],
    queryFn: () => mediaApi.histograms(project, ids, mediaKey),
    enabled: ids.length > 0,
  });
  const norm = useQuery({
    queryKey: ["norm", project, ids, normKey],
    queryFn: () => api.series(project, { run_ids: ids, keys: [normKey ?? ""], max_points: 500 }),
    enabled: normKey !== null && ids.length > 0,
  });
  const theme = useChartTheme();
  const normChart = useMemo(() => (norm.data ? normOption(norm.data.series, choice.shown) : null), [norm.data, choice.shown]);
  // One series object per run while the data stays, so each heatmap's option is built once.
  const byRun = useMemo(() => {
    const edges = query.data?.edges ?? [];
    return new Map(
      (query.data?.runs ?? []).map((r): [string, HistogramSeries] => [r.run_id, { edges, steps: r.steps, counts: r.counts, nan: r.nan }]),
    );
  }, [query.data]);
  const named = runs.length > 1;
  // Up to four side by side; five or six in two rows of three.
  const columns = choice.shown.length <= 4 ? choice.shown.length : 3;

  return (
    <div className="cc-panel md-panel" data-w={named ? "3" : normKey ? "2" : "1"} data-testid="histogram-panel" data-key={mediaKey}>
      <div className="cc-panel-head">
        <h4 className="cc-panel-title" title={mediaKey}>
          {mediaKey}
        </h4>
        {!named && runs[0] && <RunTag run={runs[0]} />}
        {named && <span className="md-note">value by step, one heatmap per run</span>}
        <RunChooser choice={choice} mediaKey={mediaKey} />
      </div>
      <div className="md-hist-row">
        <div className="md-hist-main md-multiples" style={{ gridTemplateColumns: `repeat(${Math.max(columns, 1)}, minmax(0, 1fr))` }}>
          {query.data ? (
            choice.shown.map((run) => (
              <RunHeatmap key={run.id} run={run} series={byRun.get(run.id) ?? NO_SERIES} named={named} theme={theme} />
            ))
          ) : (
            <div className="md-missing">{query.error ? query.error.message : "Loading…"}</div>
          )}
        </div>
        {normKey && (
          <div className="md-hist-norm">
            <div className="md-subtitle">gradient norm</div>
            {normChart ? <EChart option={normChart} testId="gradient-norm" height={180} /> : <div className="md-missing">…</div>}
          </div>
        )}
      </div>
    </div>
  );
}
