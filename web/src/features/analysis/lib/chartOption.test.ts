import { describe, expect, it } from "vitest";
import { type AnalysisRun, buildAxes } from "./axes";
import { SCALE, axisId, buildOption, metricRange } from "./chartOption";
import { formatValue, rankRuns } from "./rank";

const colors = { text: "#111", muted: "#666", border: "#ccc", background: "#fff" };
const runs: AnalysisRun[] = [
  { id: "a", name: "alpha", config: { lr: 1e-4, opt: "adam" }, summary: { loss: 0.9 } },
  { id: "b", name: "beta", config: { lr: 1e-1, opt: "sgd" }, summary: { loss: 0.1 } },
];

describe("parallel chart option", () => {
  const axes = buildAxes(runs, ["lr", "opt"], "loss");

  it("has one axis per parameter then the metric, with ids the brush events name", () => {
    const option = buildOption(runs, axes, "minimize", colors);
    const parallelAxis = option.parallelAxis as { id: string; name: string; type: string; data?: string[] }[];
    expect(parallelAxis.map((a) => [a.id, a.name, a.type])).toEqual([
      [axisId(0), "lr", "log"],
      [axisId(1), "opt", "category"],
      [axisId(2), "loss", "value"],
    ]);
    expect(parallelAxis[1]?.data).toEqual(["adam", "sgd"]);
  });

  it("one line per run named after it, values in axis order", () => {
    const series = (buildOption(runs, axes, "minimize", colors).series as { data: unknown[] }[])[0];
    expect(series?.data).toEqual([
      { name: "alpha", value: [1e-4, "adam", 0.9] },
      { name: "beta", value: [1e-1, "sgd", 0.1] },
    ]);
  });

  it("colours by the metric with the better end in the strongest colour", () => {
    const minimize = buildOption(runs, axes, "minimize", colors).visualMap as { inRange: { color: string[] }; dimension: number; min: number; max: number };
    const maximize = buildOption(runs, axes, "maximize", colors).visualMap as { inRange: { color: string[] } };
    expect(minimize.dimension).toBe(2);
    expect([minimize.min, minimize.max]).toEqual([0.1, 0.9]);
    expect(maximize.inRange.color.at(-1)).toBe(SCALE.at(-1)); // high is good: strongest at max
    expect(minimize.inRange.color[0]).toBe(SCALE.at(-1)); // low is good: strongest at min
  });

  it("a metric with one value still gets a colour range", () => {
    expect(metricRange([runs[0]!], "loss")).toEqual([-0.09999999999999998, 1.9]);
    expect(metricRange([], "loss")).toEqual([0, 1]);
  });
});

describe("ranking", () => {
  it("orders best first by the goal, runs without a number last", () => {
    const more: AnalysisRun[] = [...runs, { id: "c", name: "c", config: {}, summary: {} }];
    expect(rankRuns(more, "loss", "minimize").map((r) => r.id)).toEqual(["b", "a", "c"]);
    expect(rankRuns(more, "loss", "maximize").map((r) => r.id)).toEqual(["a", "b", "c"]);
  });
  it("formats values compactly", () => {
    expect(formatValue(0.123456)).toBe("0.1235");
    expect(formatValue(1e-5)).toBe("1.000e-5");
    expect(formatValue(3)).toBe("3");
    expect(formatValue(undefined)).toBe("—");
  });
});
