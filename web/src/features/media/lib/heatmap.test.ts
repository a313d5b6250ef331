import { describe, expect, it } from "vitest";
import { heatmapData } from "./heatmap";

describe("heatmapData", () => {
  it("keeps non-zero cells and labels bins by their centre", () => {
    const data = heatmapData({ steps: [0, 10], edges: [0, 1, 2], counts: [[3, 0], [1, 5]], nan: [0, 0] });
    expect(data.cells).toEqual([
      [0, 0, 3],
      [1, 0, 1],
      [1, 1, 5],
    ]);
    expect(data.bins).toEqual(["0.5", "1.5"]);
    expect(data.steps).toEqual(["0", "10"]);
    expect(data.max).toBe(5);
  });

  it("writes tiny and huge centres in exponent form", () => {
    expect(heatmapData({ steps: [0], edges: [0, 0.0002, 100000], counts: [[1, 1]], nan: [0] }).bins).toEqual(["1.0e-4", "5.0e+4"]);
  });
});
