// A `cairn.plot` spec and its table → an ECharts option (confusion matrix heatmap, curves, bars...).
import type { ChartTheme } from "../../../lib/chartTheme";
import type { PlotSpec, TablePage } from "../api";

/** The theme colours a plot needs beyond the ECharts theme (axes, grid and text come from that). */
export type PlotColors = Pick<ChartTheme, "matrix" | "cellLabel">;

const LIGHT: PlotColors = { matrix: ["#f3f6fb", "#2f6fdb"], cellLabel: "#1f2328" };

type Option = Record<string, unknown>;

const axis = (name: string | undefined) => ({
  type: "value",
  name,
  nameLocation: "middle",
  nameGap: 22,
  scale: true,
  axisLabel: { fontSize: 10 },
});

function numbers(page: Pick<TablePage, "data">, column: string | undefined): number[] {
  return (column ? page.data[column] ?? [] : []).map((v) => (typeof v === "number" ? v : Number.NaN));
}

function grouped(page: Pick<TablePage, "data">, spec: PlotSpec, type: "line" | "scatter"): Option[] {
  const xs = numbers(page, spec.x);
  const ys = numbers(page, spec.y);
  const keys = spec.series ? (page.data[spec.series] ?? []).map(String) : xs.map(() => spec.y ?? "");
  const lines = new Map<string, [number, number][]>();
  xs.forEach((x, i) => {
    const key = keys[i] ?? "";
    const list = lines.get(key) ?? [];
    list.push([x, ys[i] ?? Number.NaN]);
    lines.set(key, list);
  });
  return [...lines].map(([name, data]) => ({ type, name, data, showSymbol: false, symbolSize: 5 }));
}

/** Equal-width bins of some values, for a histogram spec: [centre, count] pairs. */
export function binValues(values: number[], bins = 20): [number, number][] {
  const finite = values.filter(Number.isFinite);
  if (!finite.length) return [];
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  const width = (hi - lo) / bins || 1;
  const counts = new Array<number>(bins).fill(0);
  for (const v of finite) {
    const i = Math.min(bins - 1, Math.floor((v - lo) / width));
    counts[i] = (counts[i] ?? 0) + 1;
  }
  return counts.map((c, i) => [lo + (i + 0.5) * width, c]);
}

/** Counts written in a confusion matrix's cells up to this many classes (a small multiple: fewer). */
const CELL_LABEL_CLASSES = 12;
const COMPACT_CELL_LABEL_CLASSES = 6;

/** `compact`: one of several runs' charts side by side, so narrower: fewer words in the cells. */
export function plotOption(spec: PlotSpec, page: Pick<TablePage, "data">, colors: PlotColors = LIGHT, compact = false): Option {
  const base: Option = { animation: false, tooltip: { trigger: spec.type === "confusion_matrix" ? "item" : "axis" } };
  if (spec.type === "confusion_matrix") {
    const classes = spec.classes ?? [];
    const index = new Map(classes.map((c, i) => [c, i]));
    const actual = page.data[spec.actual ?? "Actual"] ?? [];
    const predicted = page.data[spec.predicted ?? "Predicted"] ?? [];
    const counts = numbers(page, spec.count ?? "Count");
    const cells = counts.map((c, i) => [index.get(String(predicted[i])) ?? 0, index.get(String(actual[i])) ?? 0, c]);
    // The labels' own width sets the left margin (containLabel); "actual" sits just left of them.
    const longest = Math.max(1, ...classes.map((c) => c.length));
    return {
      ...base,
      grid: { left: 22, right: 10, top: 10, bottom: 30, containLabel: true },
      xAxis: { type: "category", data: classes, name: "predicted", nameLocation: "middle", nameGap: 24 },
      yAxis: { type: "category", data: classes, name: "actual", nameLocation: "middle", nameGap: 16 + 7 * Math.min(longest, 16), inverse: true },
      visualMap: { show: false, min: 0, max: Math.max(1, ...counts), inRange: { color: [...colors.matrix] } },
      series: [
        {
          type: "heatmap",
          data: cells,
          label: {
            show: classes.length <= (compact ? COMPACT_CELL_LABEL_CLASSES : CELL_LABEL_CLASSES),
            fontSize: 10,
            color: colors.cellLabel,
          },
        },
      ],
    };
  }
  const grid = { left: 50, right: 12, top: 24, bottom: 36 };
  if (spec.type === "bar") {
    return {
      ...base,
      grid,
      xAxis: { type: "category", data: (page.data[spec.label ?? ""] ?? []).map(String) },
      yAxis: axis(spec.value),
      series: [{ type: "bar", data: numbers(page, spec.value) }],
    };
  }
  if (spec.type === "histogram") {
    return {
      ...base,
      grid,
      xAxis: axis(spec.value),
      yAxis: axis("count"),
      series: [{ type: "bar", data: binValues(numbers(page, spec.value)), barWidth: "90%" }],
    };
  }
  const series = grouped(page, spec, spec.type === "scatter" ? "scatter" : "line");
  return {
    ...base,
    grid: { ...grid, top: series.length > 6 ? 46 : 24 },
    legend: series.length > 1 ? { top: 0, textStyle: { fontSize: 10 }, itemHeight: 6 } : undefined,
    xAxis: axis(spec.x),
    yAxis: axis(spec.y),
    series,
  };
}
