// Binary search over sorted numbers.

/** The first index whose value is >= `v` (xs.length when none). */
export function lowerBound(xs: ArrayLike<number>, v: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((xs[mid] as number) < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The index of the value closest to `v` (-1 for an empty array); ties go to the earlier point. */
export function nearestIndex(xs: ArrayLike<number>, v: number): number {
  if (xs.length === 0) return -1;
  const i = lowerBound(xs, v);
  if (i === 0) return 0;
  if (i === xs.length) return xs.length - 1;
  return v - (xs[i - 1] as number) <= (xs[i] as number) - v ? i - 1 : i;
}
