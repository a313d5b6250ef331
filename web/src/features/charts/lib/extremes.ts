// The min or max point of each line of a panel, for the line chart's extreme markers, and which of
// the two a metric wants by its name (a loss falls, an accuracy rises).
import type { ChartLine } from "./chartLines";

export interface ExtremePoint {
  x: number;
  y: number;
  color: string;
  /** the runs of the line (one, or a group's) */
  runIds: readonly string[];
}

/** Each line's lowest ("min") or highest ("max") logged value, the first one on ties. */
export function extremePoints(lines: readonly ChartLine[], which: "min" | "max"): ExtremePoint[] {
  const points: ExtremePoint[] = [];
  for (const line of lines) {
    let best = -1;
    for (let i = 0; i < line.y.length; i++) {
      const y = line.y[i];
      const x = line.x[i];
      if (y === null || y === undefined || !Number.isFinite(y) || x === undefined || !Number.isFinite(x)) continue;
      const current = best < 0 ? null : (line.y[best] as number);
      if (current === null || (which === "min" ? y < current : y > current)) best = i;
    }
    if (best >= 0) {
      points.push({ x: line.x[best] as number, y: line.y[best] as number, color: line.color, runIds: line.runIds });
    }
  }
  return points;
}

const RISING = /(^|[/_.\-\s])(acc|accuracy|auc|auroc|f1|precision|recall|score|reward|return|iou|miou|map|bleu|rouge|top\d+|r2)([/_.\-\s]|$)/i;

/** "max" for metrics that improve upward (accuracy, F1, reward…), otherwise "min" (loss, error…). */
export function betterDirection(key: string): "min" | "max" {
  return RISING.test(key) ? "max" : "min";
}
