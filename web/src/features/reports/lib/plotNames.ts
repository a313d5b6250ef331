// What a plot panel names under its chart: a confusion matrix's classes, or the curves' series in
// the order the table first lists them (none for a chart of one series).
import type { PlotData } from "../api";

export function plotNames(plot: Pick<PlotData, "spec" | "data">): string[] {
  const { spec } = plot;
  if (spec.type === "confusion_matrix") return spec.classes ?? [];
  if (!spec.series) return [];
  return [...new Set((plot.data[spec.series] ?? []).map(String))];
}
