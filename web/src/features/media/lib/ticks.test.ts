import { describe, expect, it } from "vitest";

import { formatTick, niceTicks } from "./ticks";

describe("niceTicks", () => {
  it("picks 1, 2 or 5 times a power of ten, at most maxCount ticks", () => {
    expect(niceTicks(0, 10, 8)).toEqual({ step: 2, ticks: [0, 2, 4, 6, 8, 10] });
    expect(niceTicks(-3.7, 4.2, 8)).toEqual({ step: 1, ticks: [-3, -2, -1, 0, 1, 2, 3, 4] });
    expect(niceTicks(-3.7, 4.2, 5)).toEqual({ step: 2, ticks: [-2, 0, 2, 4] });
  });

  it("never gives more than maxCount ticks inside the range", () => {
    for (const [lo, hi] of [
      [-23.8, 31.6],
      [0.0013, 0.0871],
      [-1e-5, 3e-5],
      [1, 1e6],
      [-0.5, 0.5],
      [17.3, 17.9],
    ] as const) {
      for (const max of [3, 5, 8]) {
        const { ticks, step } = niceTicks(lo, hi, max);
        expect(ticks.length, `${lo}..${hi} max ${max}`).toBeLessThanOrEqual(max);
        if (max >= 5) expect(ticks.length).toBeGreaterThanOrEqual(2);
        for (const t of ticks) {
          expect(t).toBeGreaterThanOrEqual(lo);
          expect(t).toBeLessThanOrEqual(hi);
          // every tick is a whole multiple of the step (no 0.30000000000000004)
          expect(Math.abs(t / step - Math.round(t / step))).toBeLessThan(1e-9);
          expect(String(t).length).toBeLessThanOrEqual(10);
        }
        const mantissa = step / 10 ** Math.floor(Math.log10(step));
        expect([1, 2, 5]).toContain(Math.round(mantissa * 1e6) / 1e6);
      }
    }
  });

  it("rounds away floating point noise", () => {
    expect(niceTicks(0.1, 0.75, 8).ticks).toEqual([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]);
  });

  it("copes with an empty or flat range", () => {
    expect(niceTicks(3, 3, 8).ticks).toEqual([3]);
    expect(niceTicks(Number.NaN, 1, 8).ticks).toEqual([]);
  });
});

describe("formatTick", () => {
  it("keeps labels short", () => {
    expect(formatTick(0.25)).toBe("0.25");
    expect(formatTick(-2)).toBe("-2");
    expect(formatTick(0.00002)).toBe("2e-5");
    expect(formatTick(1500000)).toBe("1.5e+6");
  });
});
