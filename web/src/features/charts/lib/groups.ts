// Mean, min and max of a group of runs, on one shared x grid.

export interface XYSeries {
  x: readonly number[];
  y: readonly (number | null)[];
}

export interface GroupAggregate {
  x: number[];
  mean: (number | null)[];
  min: (number | null)[];
  max: (number | null)[];
  /** how many runs contributed to each point */
  count: number[];
}

/** Sorted distinct values of all `xs`, or `maxPoints` evenly spaced values over their range when there are more. */
export function unionGrid(xs: readonly (readonly number[])[], maxPoints: number): number[] {
  let total = 0;
  for (const x of xs) total += x.length;
  const all = new Float64Array(total);
  let at = 0;
  for (const x of xs) {
    all.set(x, at);
    at += x.length;
  }
  all.sort();
  const grid: number[] = [];
  for (let i = 0; i < all.length; i++) {
    const v = all[i] as number;
    if (Number.isFinite(v) && (grid.length === 0 || v !== grid[grid.length - 1])) grid.push(v);
  }
  if (grid.length <= maxPoints || maxPoints < 2) return grid;
  const lo = grid[0] as number;
  const span = (grid[grid.length - 1] as number) - lo;
  return Array.from({ length: maxPoints }, (_, i) => lo + (span * i) / (maxPoints - 1));
}

/**
 * Aggregates runs that were logged at different x (other steps, or different points kept by the
 * server's downsampling). Averaging only the runs that happen to have a point at each x would make
 * the mean jump as runs drop in and out; instead every run is linearly interpolated at every grid x
 * inside its own x range (never extrapolated), so each point averages all runs alive there. The grid
 * is the union of the runs' x values, or evenly spaced when that union is larger than `maxPoints`.
 * A run whose bracketing points are non-finite (null) does not contribute there; a grid x with no
 * contributor is null (a gap).
 */
export function aggregateGroup(members: readonly XYSeries[], maxPoints: number): GroupAggregate {
  const x = unionGrid(
    members.map((m) => m.x),
    maxPoints,
  );
  const n = x.length;
  const sum = new Float64Array(n);
  const count = new Array<number>(n).fill(0);
  const min = new Array<number | null>(n).fill(null);
  const max = new Array<number | null>(n).fill(null);
  for (const member of members) {
    const mx = member.x;
    const my = member.y;
    const len = Math.min(mx.length, my.length);
    if (len === 0) continue;
    let j = 0;
    for (let i = 0; i < n; i++) {
      const g = x[i] as number;
      if (g < (mx[0] as number) || g > (mx[len - 1] as number)) continue;
      // Advance to the last point at or before g.
      while (j + 1 < len && (mx[j + 1] as number) <= g) j++;
      const x0 = mx[j] as number;
      const y0 = my[j];
      let value: number | null = null;
      if (x0 === g) value = y0 ?? null;
      else if (j + 1 < len) {
        const y1 = my[j + 1];
        if (y0 !== null && y0 !== undefined && y1 !== null && y1 !== undefined) {
          const x1 = mx[j + 1] as number;
          value = y0 + ((y1 - y0) * (g - x0)) / (x1 - x0);
        }
      }
      if (value === null || !Number.isFinite(value)) continue;
      sum[i] = (sum[i] as number) + value;
      count[i] = (count[i] as number) + 1;
      const lo = min[i];
      const hi = max[i];
      if (lo === null || lo === undefined || value < lo) min[i] = value;
      if (hi === null || hi === undefined || value > hi) max[i] = value;
    }
  }
  const mean = count.map((c, i) => (c > 0 ? (sum[i] as number) / c : null));
  return { x, mean, min, max, count };
}
