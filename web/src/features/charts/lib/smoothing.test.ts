import { describe, expect, it } from "vitest";
import { smoothEma } from "./smoothing";

describe("smoothEma", () => {
  it("returns a copy when the weight is 0", () => {
    const ys = [1, 2, null, 4];
    const out = smoothEma(ys, 0);
    expect(out).toEqual(ys);
    expect(out).not.toBe(ys);
  });

  it("is debiased: the first point is the first value, not pulled towards zero", () => {
    const out = smoothEma([10, 10, 10], 0.9);
    expect(out[0]).toBeCloseTo(10, 12);
    expect(out[2]).toBeCloseTo(10, 12);
  });

  it("matches the TensorBoard formula", () => {
    const w = 0.6;
    const ys = [1, 3, 2, 5];
    let last = 0;
    const expected = ys.map((y, i) => {
      last = last * w + (1 - w) * y;
      return last / (1 - w ** (i + 1));
    });
    const out = smoothEma(ys, w);
    out.forEach((v, i) => expect(v).toBeCloseTo(expected[i] as number, 12));
  });

  it("keeps null gaps and carries the average across them", () => {
    const out = smoothEma([1, null, 3], 0.5);
    expect(out[1]).toBeNull();
    // Same as smoothing [1, 3]: (0.5·0.5·1 + 0.5·3)… debiased by 1 − 0.25.
    expect(out[2]).toBeCloseTo((0.5 * 0.5 * 1 + 0.5 * 3) / 0.75, 12);
    expect(smoothEma([null, null], 0.9)).toEqual([null, null]);
  });

  it("clamps the weight to 0.99", () => {
    const out = smoothEma([0, 100], 5);
    expect(out[1]).toBeCloseTo((0.01 * 100) / (1 - 0.99 ** 2), 9);
  });
});
