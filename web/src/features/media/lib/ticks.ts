// "Nice" axis ticks: multiples of 1, 2 or 5 × 10^k, few enough to read.

export interface Ticks {
  step: number;
  /** the multiples of `step` within [min, max], rounded to the step's decimals */
  ticks: number[];
}

/** Ticks inside [min, max]: the smallest 1-2-5 step that gives at most `maxCount` of them. */
export function niceTicks(min: number, max: number, maxCount = 8): Ticks {
  if (!Number.isFinite(min) || !Number.isFinite(max) || max < min) return { step: 0, ticks: [] };
  if (max === min) return { step: 0, ticks: [min] };
  const limit = Math.max(2, Math.floor(maxCount));
  let power = 10 ** Math.floor(Math.log10((max - min) / limit));
  for (;;) {
    for (const m of [1, 2, 5]) {
      const step = m * power;
      const first = Math.ceil(min / step - 1e-9);
      const last = Math.floor(max / step + 1e-9);
      if (last - first + 1 <= limit) {
        const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
        const ticks: number[] = [];
        for (let k = first; k <= last; k++) ticks.push(Number((k * step).toFixed(Math.min(decimals, 20))) + 0); // + 0: no -0
        return { step, ticks };
      }
    }
    power *= 10;
  }
}

/** A tick value as a short label: plain between 0.001 and 10⁴, else like 2e-5 or 1.5e+6. */
export function formatTick(value: number): string {
  const magnitude = Math.abs(value);
  if (value === 0 || (magnitude >= 1e-3 && magnitude < 1e4)) return String(value);
  return value.toExponential().replace(/\.?0+e/, "e");
}
