// A histogram series → the ECharts option of its heatmap: steps across, values up, colour the count.
// The cells sit on a hidden category axis (one row per bin); a value axis over the same extent
// carries the labels, at a few round values (niceTicks) rather than at every bin's centre.
import type { ChartTheme } from "../../../lib/chartTheme";
import { html } from "../../../lib/escapeHtml";
import type { HistogramSeries } from "../api";
import { heatmapData } from "./heatmap";
import { formatTick, niceTicks } from "./ticks";

type Option = Record<string, unknown>;

/** At most this many value labels beside a heatmap. */
export const MAX_VALUE_TICKS = 8;

function uniform(edges: readonly number[]): boolean {
  if (edges.length < 2) return false;
  const width = ((edges[edges.length - 1] as number) - (edges[0] as number)) / (edges.length - 1);
  if (!(width > 0)) return false;
  return edges.every((e, i) => Math.abs(e - ((edges[0] as number) + i * width)) <= width * 1e-6);
}

function valueAxes(series: HistogramSeries, bins: string[]): Option[] {
  const edges = series.edges;
  const lo = edges[0];
  const hi = edges[edges.length - 1];
  const label = { fontSize: 10 };
  if (lo === undefined || hi === undefined || !uniform(edges)) {
    // Bins of different widths: label some bins' centres, at most MAX_VALUE_TICKS of them.
    const every = Math.max(1, Math.ceil(bins.length / MAX_VALUE_TICKS));
    return [{ type: "category", data: bins, axisLabel: { ...label, interval: every - 1 }, axisTick: { interval: every - 1 } }];
  }
  const ticks = niceTicks(lo, hi, MAX_VALUE_TICKS).ticks;
  return [
    { type: "category", data: bins, show: false },
    {
      type: "value",
      position: "left",
      min: lo,
      max: hi,
      splitLine: { show: false },
      axisLabel: { ...label, customValues: ticks, formatter: (v: number) => formatTick(v) },
      axisTick: { show: true, customValues: ticks },
    },
  ];
}

/**
 * The heatmap of one run's histograms. `compact`: a small multiple among other runs' (no "step"
 * axis name: the panel says it once), so more of its height goes to the cells.
 */
export function histogramOption(series: HistogramSeries, colors: Pick<ChartTheme, "heat">, compact = false): Option | null {
  if (series.steps.length === 0) return null;
  const data = heatmapData(series);
  return {
    animation: false,
    grid: { left: 54, right: 8, top: 8, bottom: compact ? 20 : 28 },
    tooltip: {
      formatter: (p: { value: [number, number, number] }) =>
        html`step ${data.steps[p.value[0]] ?? ""}<br/>≈ ${data.bins[p.value[1]] ?? ""}: ${p.value[2]}`.markup,
    },
    xAxis: { type: "category", data: data.steps, name: compact ? "" : "step", nameLocation: "middle", nameGap: 18, axisLabel: { fontSize: 10 } },
    yAxis: valueAxes(series, data.bins),
    visualMap: { show: false, min: 0, max: data.max || 1, inRange: { color: [...colors.heat] } },
    series: [{ type: "heatmap", data: data.cells, progressive: 0, yAxisIndex: 0 }],
  };
}
