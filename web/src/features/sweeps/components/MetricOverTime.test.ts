import { describe, expect, it } from "vitest";
import { timeRange } from "./MetricOverTime";

describe("timeRange", () => {
  it("pads one trial by 5 s each side", () => {
    expect(timeRange([100])).toEqual([95_000, 105_000]);
  });
  it("pads a long sweep by 5% of its span", () => {
    expect(timeRange([0, 1000, 400])).toEqual([-50_000, 1_050_000]);
  });
  it("leaves an empty chart to ECharts", () => {
    expect(timeRange([])).toEqual([undefined, undefined]);
  });
});
