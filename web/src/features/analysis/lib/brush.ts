// Brushing: the ranges dragged on parallel axes, and the runs that fall inside all of them.
import { type AnalysisRun, type AxisSpec, type Brush, axisValue } from "./axes";

/** Six significant digits: finer than a pixel of any axis, and a short URL. */
function round(value: number): number {
  return Number(value.toPrecision(6));
}

/** The brush with one axis's intervals replaced (an empty list clears that axis). */
export function setAxisBrush(brush: Brush, key: string, intervals: ReadonlyArray<readonly number[]>): Brush {
  const next: Brush = { ...brush };
  const clean = intervals
    .filter((i) => i.length >= 2 && Number.isFinite(i[0]) && Number.isFinite(i[1]))
    .map((i): [number, number] => [round(Math.min(i[0]!, i[1]!)), round(Math.max(i[0]!, i[1]!))]);
  if (clean.length === 0) delete next[key];
  else next[key] = clean;
  return next;
}

/** The brush without axes that are no longer shown (so a removed axis stops filtering). */
export function pruneBrush(brush: Brush, axes: readonly AxisSpec[]): Brush {
  const keys = new Set(axes.map((a) => a.key));
  return Object.fromEntries(Object.entries(brush).filter(([key]) => keys.has(key)));
}

/** True when an axis value sits inside one of the intervals (category axes: within ±0.5 of the index). */
function inside(axis: AxisSpec, value: number, intervals: ReadonlyArray<[number, number]>): boolean {
  const slack = axis.kind === "category" ? 0.5 : 0;
  return intervals.some(([lo, hi]) => value >= lo - slack && value <= hi + slack);
}

/** The runs inside every brushed axis; all runs when nothing is brushed. */
export function brushedRuns<R extends AnalysisRun>(runs: readonly R[], axes: readonly AxisSpec[], brush: Brush): R[] {
  const active = axes.filter((a) => (brush[a.key]?.length ?? 0) > 0);
  if (active.length === 0) return [...runs];
  return runs.filter((run) =>
    active.every((axis) => {
      const value = axisValue(axis, run);
      if (value === null || (axis.kind === "category" && value < 0)) return false;
      return inside(axis, value, brush[axis.key] ?? []);
    }),
  );
}
