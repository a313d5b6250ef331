// The rows of the hover tooltip: every line's value at the cursor's x, highest first.
import type { NonfiniteKind } from "./chartLines";
import { formatValue } from "./format";
import type { TooltipSource } from "./plotData";
import { nearestIndex } from "./search";

export interface TooltipRow {
  label: string;
  color: string;
  /** x of the line's point used */
  x: number;
  /** the value drawn, null when it is missing or non-finite */
  value: number | null;
  text: string;
  runCount: number;
  /** the runs this line draws */
  runIds: readonly string[];
}

const KIND_TEXT: Record<NonfiniteKind, string> = { nan: "NaN", inf: "+Inf", "-inf": "-Inf" };

/**
 * Each line's point nearest to `x`, for lines whose x range reaches `x` (within `tolerance`): sorted by
 * value, highest first, then the missing and non-finite ones.
 */
export function tooltipRows(sources: readonly TooltipSource[], x: number, tolerance: number): TooltipRow[] {
  const rows: TooltipRow[] = [];
  for (const s of sources) {
    const n = s.x.length;
    if (n === 0 || x < (s.x[0] as number) - tolerance || x > (s.x[n - 1] as number) + tolerance) continue;
    const i = nearestIndex(s.x, x);
    const value = s.y[i] ?? null;
    let text: string;
    if (value !== null) text = formatValue(value);
    else {
      const kind = s.kinds?.get(i);
      const raw = s.raw[i];
      text = kind ? KIND_TEXT[kind] : raw !== null && raw !== undefined ? formatValue(raw) : "—";
    }
    rows.push({ label: s.label, color: s.color, x: s.x[i] as number, value, text, runCount: s.runCount, runIds: s.runIds });
  }
  return rows.sort((a, b) => {
    if (a.value === null || b.value === null) return a.value === null ? (b.value === null ? 0 : 1) : -1;
    return b.value - a.value;
  });
}

/**
 * The rows to list when there are more than `max`: a window of `max` rows centred on the row nearest
 * the cursor (`near`, -1 for none: the top rows), as [start, end).
 */
export function tooltipWindow(count: number, near: number, max: number): [number, number] {
  if (count <= max) return [0, count];
  const start = near < 0 ? 0 : Math.min(Math.max(near - Math.floor(max / 2), 0), count - max);
  return [start, start + max];
}
