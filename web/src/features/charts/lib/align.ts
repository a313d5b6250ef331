// Lines with their own x values → uPlot's aligned columns (one shared x array, one y array per line).
import { unionGrid } from "./groups";
import { lowerBound } from "./search";

export interface Alignment {
  /** the shared x values, ascending */
  x: number[];
  /** for each line, the column of each of its points (-1: left out) */
  columns: Int32Array[];
}

/**
 * Aligns lines on the union of their x values. uPlot draws one y array per line against one x array,
 * so a line has `undefined` (no point, the line continues) where only other lines have points.
 * When the union has more than `maxColumns` values (many runs, each downsampled at different x), x
 * is snapped to `maxColumns` evenly spaced columns instead, so memory stays lines × maxColumns; with
 * a few columns per pixel the snap is invisible.
 */
export function alignX(lines: readonly (readonly number[])[], maxColumns: number): Alignment {
  const exact = unionGrid(lines, Number.POSITIVE_INFINITY);
  if (exact.length <= Math.max(2, maxColumns)) {
    const columns = lines.map((xs) => {
      const col = new Int32Array(xs.length);
      for (let i = 0; i < xs.length; i++) {
        const v = xs[i] as number;
        col[i] = Number.isFinite(v) ? lowerBound(exact, v) : -1;
      }
      return col;
    });
    return { x: exact, columns };
  }
  const lo = exact[0] as number;
  const span = (exact[exact.length - 1] as number) - lo;
  const cells = Math.max(2, Math.floor(maxColumns));
  const cellOf = (v: number) => Math.round(((v - lo) / span) * (cells - 1));
  const used = new Uint8Array(cells);
  for (const xs of lines) for (const v of xs) if (Number.isFinite(v)) used[cellOf(v)] = 1;
  const compact = new Int32Array(cells).fill(-1);
  const x: number[] = [];
  for (let c = 0; c < cells; c++) {
    if (used[c]) {
      compact[c] = x.length;
      x.push(lo + (span * c) / (cells - 1));
    }
  }
  const columns = lines.map((xs) => {
    const col = new Int32Array(xs.length);
    for (let i = 0; i < xs.length; i++) {
      const v = xs[i] as number;
      col[i] = Number.isFinite(v) ? (compact[cellOf(v)] as number) : -1;
    }
    return col;
  });
  return { x, columns };
}

/**
 * One line's values spread over `width` columns: undefined where the line has no point, null where
 * its value is null (a gap). When several points share a column (snapped x), a null wins, so a
 * non-finite value stays visible, and otherwise the value farthest from the previous column's value
 * is kept, so spikes survive.
 */
export function spreadColumns(
  column: Int32Array,
  values: readonly (number | null)[],
  width: number,
): (number | null | undefined)[] {
  const out = new Array<number | null | undefined>(width);
  let current = -1;
  let anchor: number | null | undefined;
  for (let i = 0; i < column.length; i++) {
    const c = column[i] as number;
    if (c < 0) continue;
    const v = values[i] ?? null;
    if (c !== current) {
      if (current >= 0) anchor = out[current];
      current = c;
      out[c] = v;
      continue;
    }
    const kept = out[c];
    if (kept === null || kept === undefined) continue;
    if (v === null) out[c] = null;
    else if (typeof anchor === "number" && Math.abs(v - anchor) > Math.abs(kept - anchor)) out[c] = v;
  }
  return out;
}
