// A histogram panel: the distribution over steps as a heatmap (steps across, values up, colour the
// count). A `gradients/<layer>` panel shows the layer's gradient norm (`gradients/<layer>/norm`)
// beside it.
import { useQuery } from "@tanstack/react-query";
import { type JSX, useMemo } from "react";
import { api } from "../../../api/client";
import { useChartTheme } from "../../../lib/chartTheme";
import { mediaApi } from "../api";
import { histogramOption } from "../lib/histogramOption";
import { type ChartOption, EChart } from "./EChart";

export function HistogramPanel({
  project,
  runId,
  mediaKey,
  normKey,
  runName,
}: {
  project: string;
  runId: string;
  mediaKey: string;
  normKey: string | null;
  runName?: string;
}): JSX.Element {
  const query = useQuery({
    queryKey: ["histograms", project, runId, mediaKey],
    queryFn: () => mediaApi.histograms(project, runId, mediaKey),
  });
  const norm = useQuery({
    queryKey: ["norm", project, runId, normKey],
    queryFn: () => api.series(project, { run_ids: [runId], keys: [normKey ?? ""], max_points: 500 }),
    enabled: normKey !== null,
  });
  const theme = useChartTheme();
  const option = useMemo(
    (): ChartOption | null => (query.data ? histogramOption(query.data, theme) : null),
    [query.data, theme],
  );
  const normOption = useMemo((): ChartOption | null => {
    const line = norm.data?.series[0];
    if (!line) return null;
    return {
      animation: false,
      grid: { left: 40, right: 6, top: 8, bottom: 28 },
      tooltip: { trigger: "axis" },
      xAxis: { type: "value", name: "step", nameLocation: "middle", nameGap: 18, axisLabel: { fontSize: 10 } },
      yAxis: { type: "value", scale: true, axisLabel: { fontSize: 10 } },
      series: [{ type: "line", showSymbol: false, data: line.x.map((x, i) => [x, line.y[i]]), lineStyle: { width: 1.5 } }],
    };
  }, [norm.data]);
  const nonfinite = query.data ? query.data.nan.reduce((a, b) => a + b, 0) : 0;

  return (
    <div className="cc-panel md-panel" data-w={normKey ? "2" : "1"} data-testid="histogram-panel" data-key={mediaKey}>
      <div className="cc-panel-head">
        <h4 className="cc-panel-title" title={mediaKey}>
          {mediaKey}
          {runName && <span className="md-run-tag"> · {runName}</span>}
        </h4>
        {nonfinite > 0 && <span className="md-note">{nonfinite} NaN/Inf not binned</span>}
      </div>
      <div className="md-hist-row">
        <div className="md-hist-main">
          {option ? (
            <EChart option={option} testId="histogram-heatmap" height={200} />
          ) : (
            <div className="md-missing">{query.error ? query.error.message : query.isPending ? "Loading…" : "no histograms"}</div>
          )}
        </div>
        {normKey && (
          <div className="md-hist-norm">
            <div className="md-subtitle">gradient norm</div>
            {normOption ? <EChart option={normOption} testId="gradient-norm" height={180} /> : <div className="md-missing">…</div>}
          </div>
        )}
      </div>
    </div>
  );
}
