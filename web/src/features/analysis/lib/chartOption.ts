// The ECharts option of a parallel coordinates chart: one axis per parameter, the metric last,
// lines coloured by the metric with the better end of the scale in the strongest colour.
import type { EChartsOption } from "echarts";
import { type AnalysisRun, type AxisSpec, type Goal, axisValue, categoryLabel } from "./axes";

export interface ChartColors {
  text: string;
  muted: string;
  border: string;
  background: string;
}

const BRUSH_STYLE = { width: 22, borderWidth: 1, borderColor: "#2f6fdb", color: "#2f6fdb", opacity: 0.25 };

/** From worse to better: pale amber, rose, deep violet (readable on light and dark backgrounds). */
export const SCALE = ["#f4c152", "#e0576b", "#6b3fa0"];

/** Where the axes sit inside the chart, in pixels (the browser test drags on them). */
export const PLOT_MARGIN = { left: 48, right: 110, top: 44, bottom: 28 };

/** The axis id ECharts reports in `axisareaselected` events. */
export function axisId(index: number): string {
  return `axis-${index}`;
}

/** The value a run takes on an axis as ECharts wants it: a category name, a number, or "-" (missing). */
function dataValue(axis: AxisSpec, run: AnalysisRun): string | number {
  if (axis.kind === "category") {
    return categoryLabel(axis.source === "config" ? run.config[axis.key] : run.summary[axis.key]);
  }
  return axisValue(axis, run) ?? "-";
}

/** The metric's range over the runs, never empty (a single value gets ±1 so the colour scale has room). */
export function metricRange(runs: readonly AnalysisRun[], metric: string): [number, number] {
  const values = runs.map((r) => r.summary[metric]).filter((v): v is number => typeof v === "number");
  if (values.length === 0) return [0, 1];
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return lo === hi ? [lo - 1, hi + 1] : [lo, hi];
}

function shortName(key: string, max = 22): string {
  return key.length > max ? `…${key.slice(key.length - max + 1)}` : key;
}

export function buildOption(
  runs: readonly AnalysisRun[],
  axes: readonly AxisSpec[],
  goal: Goal,
  colors: ChartColors,
): EChartsOption {
  const metricAxis = axes.length - 1;
  const [min, max] = metricRange(runs, axes[metricAxis]?.key ?? "");
  const axisLine = { lineStyle: { color: colors.border } };
  return {
    animation: false,
    textStyle: { fontSize: 11, color: colors.text },
    parallel: {
      ...PLOT_MARGIN,
      parallelAxisDefault: {
        nameLocation: "end",
        nameGap: 14,
        nameTextStyle: { color: colors.text, fontSize: 11, fontWeight: 600 },
        axisLine,
        axisTick: axisLine,
        axisLabel: { color: colors.muted, fontSize: 10, hideOverlap: true },
        splitLine: { show: false },
      },
    },
    parallelAxis: axes.map((axis, i) => ({
      dim: i,
      id: axisId(i),
      name: shortName(axis.key),
      type: axis.kind,
      scale: axis.kind === "value",
      // On each axis: ECharts does not take the brush style from parallelAxisDefault (it drew grey).
      areaSelectStyle: BRUSH_STYLE,
      ...(axis.kind === "category" ? { data: axis.categories } : {}),
    })),
    visualMap: {
      type: "continuous",
      dimension: metricAxis,
      min,
      max,
      right: 6,
      top: "middle",
      itemHeight: 140,
      itemWidth: 12,
      calculable: false,
      precision: 3,
      text: goal === "maximize" ? ["better", "worse"] : ["worse", "better"],
      textStyle: { color: colors.muted, fontSize: 10 },
      inRange: { color: goal === "maximize" ? SCALE : [...SCALE].reverse() },
    },
    tooltip: {
      trigger: "item",
      confine: true,
      backgroundColor: colors.background,
      borderColor: colors.border,
      textStyle: { color: colors.text, fontSize: 12 },
    },
    series: [
      {
        type: "parallel",
        smooth: false,
        inactiveOpacity: 0.06,
        activeOpacity: 1,
        lineStyle: { width: 1.6, opacity: 0.85 },
        emphasis: { lineStyle: { width: 3, opacity: 1 } },
        data: runs.map((run) => ({ name: run.name, value: axes.map((axis) => dataValue(axis, run)) })),
      },
    ],
  };
}
