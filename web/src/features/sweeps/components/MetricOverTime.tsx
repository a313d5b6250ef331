// Each trial's metric value against its start time, with the best-so-far line (ECharts).
import { LineChart, ScatterChart } from "echarts/charts";
import { GridComponent, LegendComponent, TooltipComponent } from "echarts/components";
import * as echarts from "echarts/core";
import { CanvasRenderer } from "echarts/renderers";
import { type JSX, useEffect, useMemo, useRef } from "react";
import { formatNumber } from "../../../lib/format";
import { useECharts } from "../../../lib/useECharts";
import { useDocumentTheme } from "../../charts/hooks/useDocumentTheme";
import type { Goal, Trial } from "../api";
import { bestSoFar } from "../lib/progress";
import { pointTooltip } from "../lib/tooltip";

echarts.use([ScatterChart, LineChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

export interface MetricOverTimeProps {
  trials: readonly Trial[];
  metric: string;
  goal: Goal;
  onOpenRun: (runId: string) => void;
  height?: number;
}

/** The x range in ms: the trials' start times with 5% (at least 5 s) on each side, so one trial
 * or a burst of trials does not stretch the axis over days. */
export function timeRange(starts: readonly number[]): [number | undefined, number | undefined] {
  if (starts.length === 0) return [undefined, undefined];
  const lo = Math.min(...starts);
  const hi = Math.max(...starts);
  const pad = Math.max((hi - lo) * 0.05, 5);
  return [(lo - pad) * 1000, (hi + pad) * 1000];
}

function cssVar(element: HTMLElement, name: string, fallback: string): string {
  return getComputedStyle(element).getPropertyValue(name).trim() || fallback;
}

export function MetricOverTime({ trials, metric, goal, onOpenRun, height = 260 }: MetricOverTimeProps): JSX.Element {
  const theme = useDocumentTheme();
  const points = useMemo(() => bestSoFar(trials, goal), [trials, goal]);
  const latest = useRef({ points, trials, onOpenRun });
  latest.current = { points, trials, onOpenRun };
  const { ref, chart: chartRef } = useECharts((chart) => {
    chart.on("click", (event: unknown) => {
      const { dataIndex, seriesIndex } = event as { dataIndex?: number; seriesIndex?: number };
      const point = seriesIndex === 0 && dataIndex !== undefined ? latest.current.points[dataIndex] : undefined;
      const trial = point ? latest.current.trials.find((t) => t.number === point.trial) : undefined;
      if (trial) latest.current.onOpenRun(trial.run_id);
    });
  });

  useEffect(() => {
    const chart = chartRef.current;
    const element = ref.current;
    if (!chart || !element) return;
    const text = cssVar(element, "--text-muted", "#656d76");
    const border = cssVar(element, "--border", "#e2e5ea");
    const accent = cssVar(element, "--accent", "#2f6fdb");
    const best = cssVar(element, "--state-finished", "#1a7f37");
    const [min, max] = timeRange(points.map((p) => p.t));
    chart.setOption(
      {
        animation: false,
        grid: { left: 56, right: 16, top: 28, bottom: 28 },
        legend: { top: 0, right: 8, textStyle: { color: text, fontSize: 11 }, itemHeight: 8 },
        tooltip: {
          trigger: "item",
          formatter: (item: unknown) => {
            const { dataIndex, seriesIndex } = item as { dataIndex: number; seriesIndex: number };
            const point = points[dataIndex];
            return point ? pointTooltip(point, metric, seriesIndex !== 0) : "";
          },
        },
        xAxis: {
          type: "time",
          min,
          max,
          axisLabel: { color: text, fontSize: 11, hideOverlap: true },
          axisLine: { lineStyle: { color: border } },
          splitLine: { show: false },
        },
        yAxis: {
          type: "value",
          scale: true,
          name: metric,
          nameTextStyle: { color: text, fontSize: 11, align: "left" },
          axisLabel: { color: text, fontSize: 11, formatter: (v: number) => formatNumber(v, 3) },
          splitLine: { lineStyle: { color: border } },
        },
        series: [
          {
            name: "trial",
            type: "scatter",
            symbolSize: 7,
            itemStyle: { color: accent, opacity: 0.75 },
            data: points.map((p) => [p.t * 1000, p.value]),
            cursor: "pointer",
          },
          {
            name: goal === "minimize" ? "best so far (min)" : "best so far (max)",
            type: "line",
            step: "end",
            symbol: "none",
            lineStyle: { color: best, width: 2 },
            itemStyle: { color: best },
            data: points.map((p) => [p.t * 1000, p.best]),
          },
        ],
      },
      { notMerge: true },
    );
  }, [points, metric, goal, theme]);

  return (
    <div
      ref={ref}
      className="sw-chart"
      style={{ height }}
      data-testid="sweep-metric-chart"
      data-points={points.length}
    />
  );
}
