import { describe, expect, it } from "vitest";
import { DensityCounter, cellAlpha } from "./density";

describe("DensityCounter", () => {
  it("counts each line once per cell it crosses", () => {
    const d = new DensityCounter(4, 2);
    // a horizontal line through row 0, with two points inside cell (0, 0)
    d.add([0.2, 0.6, 3.5], [0.5, 0.5, 0.5]);
    d.add([0.1, 3.9], [0.5, 0.5]);
    const g = d.grid();
    expect(Array.from(g.counts)).toEqual([2, 2, 2, 2, 0, 0, 0, 0]);
    expect(g.max).toBe(2);
  });

  it("marks the cells a steep segment crosses, and breaks the line at a gap", () => {
    const d = new DensityCounter(2, 4);
    d.add([0.5, 0.5, 1.5, 1.5], [0.1, 3.9, null, 3.5]);
    expect(Array.from(d.grid().counts)).toEqual([1, 0, 1, 0, 1, 0, 1, 1]);
  });

  it("runs on over a column where the line has no point (undefined)", () => {
    const d = new DensityCounter(3, 1);
    d.add([0.5, 1.5, 2.5], [0.5, undefined, 0.5]);
    expect(Array.from(d.grid().counts)).toEqual([1, 1, 1]);
  });

  it("leaves out points outside the grid", () => {
    const d = new DensityCounter(2, 2);
    d.add([-5, 10], [-1, -1]);
    expect(d.grid().max).toBe(0);
  });
});

describe("cellAlpha", () => {
  it("is 0 for an empty cell, 1 for the fullest, and grows with the count", () => {
    expect(cellAlpha(0, 10)).toBe(0);
    expect(cellAlpha(10, 10)).toBeCloseTo(1);
    expect(cellAlpha(1, 10)).toBeLessThan(cellAlpha(5, 10));
    expect(cellAlpha(1, 10)).toBeGreaterThan(0);
  });
});
