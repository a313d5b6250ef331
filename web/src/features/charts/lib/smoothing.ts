// Exponential moving average, debiased the way TensorBoard and W&B do it.

/** The largest weight the slider allows; 1 would freeze the line at its first value. */
export const MAX_SMOOTHING = 0.99;

/**
 * Smooths `ys` with weight `weight` (0 = none, 0.99 = heavy): s_t = w·s_{t-1} + (1−w)·y_t, divided by
 * (1 − w^n) so the first points are not pulled towards zero. Null (non-finite) points stay null and
 * leave the running average untouched, so gaps stay gaps and the line resumes where it was.
 */
export function smoothEma(ys: readonly (number | null)[], weight: number): (number | null)[] {
  const w = Math.min(Math.max(Number.isFinite(weight) ? weight : 0, 0), MAX_SMOOTHING);
  if (w === 0) return ys.slice();
  const out = new Array<number | null>(ys.length);
  let last = 0;
  let debias = 1;
  for (let i = 0; i < ys.length; i++) {
    const y = ys[i];
    if (y === null || y === undefined || !Number.isFinite(y)) {
      out[i] = null;
      continue;
    }
    last = last * w + (1 - w) * y;
    debias *= w;
    out[i] = last / (1 - debias);
  }
  return out;
}
