// Histogram series → ECharts heatmap data: [step index, bin index, count] triples and bin labels.
import type { HistogramSeries } from "../api";

export interface HeatmapData {
  cells: [number, number, number][];
  steps: string[];
  bins: string[];
  max: number;
}

function short(value: number): string {
  if (value === 0) return "0";
  const magnitude = Math.abs(value);
  if (magnitude >= 1e4 || magnitude < 1e-3) return value.toExponential(1);
  return Number(value.toPrecision(3)).toString();
}

/** Cells of the heatmap (zero counts left out, so empty bins show the background). */
export function heatmapData(series: HistogramSeries): HeatmapData {
  const cells: [number, number, number][] = [];
  let max = 0;
  series.counts.forEach((row, x) =>
    row.forEach((count, y) => {
      if (count > 0) {
        cells.push([x, y, count]);
        if (count > max) max = count;
      }
    }),
  );
  const bins = series.edges.slice(0, -1).map((edge, i) => short((edge + (series.edges[i + 1] ?? edge)) / 2));
  return { cells, steps: series.steps.map(String), bins, max };
}
