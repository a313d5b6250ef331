import { describe, expect, it } from "vitest";
import type { HistogramSeries } from "../api";
import { histogramOption, MAX_VALUE_TICKS } from "./histogramOption";

const HEAT: [string, string, string, string] = ["#000001", "#000002", "#000003", "#000004"];

function series(edges: number[]): HistogramSeries {
  const bins = edges.length - 1;
  return { steps: [0, 1], edges, counts: [Array(bins).fill(1), Array(bins).fill(2)], nan: [0, 0] };
}

interface Axis {
  type: string;
  show?: boolean;
  axisLabel?: { customValues?: number[]; interval?: number };
}

describe("histogramOption", () => {
  it("labels 24 bins from -3.7 to 4.1 at a few round values, not at every bin", () => {
    const edges = Array.from({ length: 25 }, (_, i) => -3.7 + (7.8 * i) / 24);
    const option = histogramOption(series(edges), { heat: HEAT });
    const axes = option?.yAxis as Axis[];
    expect(axes[0]).toMatchObject({ type: "category", show: false });
    expect(axes[1]?.type).toBe("value");
    const ticks = axes[1]?.axisLabel?.customValues ?? [];
    expect(ticks.length).toBeLessThanOrEqual(MAX_VALUE_TICKS);
    expect(ticks).toEqual([-3, -2, -1, 0, 1, 2, 3, 4]);
  });

  it("labels at most MAX_VALUE_TICKS bins when they differ in width", () => {
    const edges = [0, 1, 3, ...Array.from({ length: 30 }, (_, i) => 4 + i)];
    const axes = histogramOption(series(edges), { heat: HEAT })?.yAxis as Axis[];
    expect(axes).toHaveLength(1);
    const every = (axes[0]?.axisLabel?.interval ?? 0) + 1;
    expect(Math.ceil((edges.length - 1) / every)).toBeLessThanOrEqual(MAX_VALUE_TICKS);
  });

  it("colours the cells from the theme", () => {
    const option = histogramOption(series([0, 1, 2]), { heat: HEAT });
    expect((option?.visualMap as { inRange: { color: string[] } }).inRange.color).toEqual(HEAT);
  });
});
