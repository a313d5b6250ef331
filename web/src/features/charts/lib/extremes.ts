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

/** "max" for metrics named as improving upward (accuracy, F1, reward…), otherwise "min" (loss, error…). */
export function directionByName(key: string): "min" | "max" {
  return RISING.test(key) ? "max" : "min";
}

/**
 * Which extreme the runs' summaries keep for `key`: a run that declared `define_metric(key,
 * summary="max")` has the highest logged value as its summary, not the last one. Runs whose summary
 * is their last value say nothing; null when no run tells (or they disagree).
 */
export function summaryDirection(
  lines: readonly ChartLine[],
  summaryOf: (runId: string) => number | null,
): "min" | "max" | null {
  let min = 0;
  let max = 0;
  for (const line of lines) {
    if (line.runIds.length !== 1) continue;
    const summary = summaryOf(line.runIds[0] as string);
    const ys = line.y.filter((y): y is number => y !== null && Number.isFinite(y));
    if (summary === null || ys.length < 2) continue;
    const last = ys[ys.length - 1];
    if (summary === last) continue;
    if (summary === Math.max(...ys)) max += 1;
    else if (summary === Math.min(...ys)) min += 1;
  }
  if (max > min) return "max";
  if (min > max) return "min";
  return null;
}

/** The extreme to mark on a metric: the one its summaries keep when they tell, else by its name. */
export function betterDirection(
  key: string,
  lines: readonly ChartLine[] = [],
  summaryOf: (runId: string) => number | null = () => null,
): "min" | "max" {
  return summaryDirection(lines, summaryOf) ?? directionByName(key);
}
