import { describe, expect, it } from "vitest";
import { aggregateGroup, unionGrid } from "./groups";

describe("unionGrid", () => {
  it("merges and deduplicates x values", () => {
    expect(unionGrid([[0, 2, 4], [1, 2, 3]], 100)).toEqual([0, 1, 2, 3, 4]);
  });

  it("falls back to an even grid when the union is too large", () => {
    expect(unionGrid([[0, 1, 2, 3, 4, 5, 6, 7, 8]], 5)).toEqual([0, 2, 4, 6, 8]);
  });
});

describe("aggregateGroup", () => {
  it("averages runs logged at the same x", () => {
    const agg = aggregateGroup(
      [
        { x: [0, 1, 2], y: [1, 2, 3] },
        { x: [0, 1, 2], y: [3, 4, 5] },
      ],
      100,
    );
    expect(agg.x).toEqual([0, 1, 2]);
    expect(agg.mean).toEqual([2, 3, 4]);
    expect(agg.min).toEqual([1, 2, 3]);
    expect(agg.max).toEqual([3, 4, 5]);
    expect(agg.count).toEqual([2, 2, 2]);
  });

  it("interpolates runs logged at other x instead of dropping them", () => {
    const agg = aggregateGroup(
      [
        { x: [0, 2], y: [0, 2] },
        { x: [0, 1, 2], y: [10, 10, 10] },
      ],
      100,
    );
    expect(agg.x).toEqual([0, 1, 2]);
    // at x=1 the first run is interpolated to 1
    expect(agg.mean[1]).toBe(5.5);
    expect(agg.min[1]).toBe(1);
    expect(agg.max[1]).toBe(10);
  });

  it("never extrapolates past a run's own range", () => {
    const agg = aggregateGroup(
      [
        { x: [0, 1], y: [1, 1] },
        { x: [0, 1, 2, 3], y: [3, 3, 3, 3] },
      ],
      100,
    );
    expect(agg.mean).toEqual([2, 2, 3, 3]);
    expect(agg.count).toEqual([2, 2, 1, 1]);
  });

  it("leaves a non-finite run out, and makes a gap where no run is finite", () => {
    const agg = aggregateGroup(
      [
        { x: [0, 1, 2], y: [1, null, 1] },
        { x: [0, 1, 2], y: [3, 3, null] },
      ],
      100,
    );
    expect(agg.mean).toEqual([2, 3, 1]);
    const alone = aggregateGroup([{ x: [0, 1], y: [null, 2] }], 100);
    expect(alone.mean).toEqual([null, 2]);
    expect(alone.min).toEqual([null, 2]);
  });

  it("does not interpolate across a gap", () => {
    const agg = aggregateGroup(
      [
        { x: [0, 2], y: [null, 4] },
        { x: [0, 1, 2], y: [0, 0, 0] },
      ],
      100,
    );
    expect(agg.count).toEqual([1, 1, 2]);
    expect(agg.mean).toEqual([0, 0, 2]);
  });
});
