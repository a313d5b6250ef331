import { describe, expect, it } from "vitest";
import { type AnalysisRun, buildAxes } from "./axes";
import { brushedRuns, pruneBrush, setAxisBrush } from "./brush";

const runs: AnalysisRun[] = [0, 1, 2, 3, 4, 5].map((i) => ({
  id: `r${i}`,
  name: `r${i}`,
  config: { lr: 10 ** -(i + 1), opt: i % 2 ? "sgd" : "adam" },
  summary: { loss: i / 10 },
}));
const axes = buildAxes(runs, ["lr", "opt"], "loss");

describe("brushing", () => {
  it("keeps every run when nothing is brushed", () => {
    expect(brushedRuns(runs, axes, {})).toHaveLength(6);
  });

  it("keeps runs inside a numeric range (ends included, either order)", () => {
    const brush = setAxisBrush({}, "loss", [[0.35, 0.1]]);
    expect(brush).toEqual({ loss: [[0.1, 0.35]] });
    expect(brushedRuns(runs, axes, brush).map((r) => r.id)).toEqual(["r1", "r2", "r3"]);
  });

  it("an axis with several intervals keeps runs inside any; several axes must all hold", () => {
    let brush = setAxisBrush({}, "lr", [
      [1e-7, 1e-5],
      [0.05, 1],
    ]);
    expect(brushedRuns(runs, axes, brush).map((r) => r.id)).toEqual(["r0", "r4", "r5"]);
    brush = setAxisBrush(brush, "opt", [[1, 1]]); // category index 1: "sgd"
    expect(brushedRuns(runs, axes, brush).map((r) => r.id)).toEqual(["r5"]);
  });

  it("category intervals cover a category within half a step", () => {
    const brush = setAxisBrush({}, "opt", [[-0.3, 0.4]]);
    expect(brushedRuns(runs, axes, brush).map((r) => r.id)).toEqual(["r0", "r2", "r4"]);
  });

  it("an empty interval list clears the axis; a removed axis stops filtering", () => {
    const brush = setAxisBrush({ loss: [[0, 0.1]] }, "lr", [[1e-3, 1]]);
    expect(setAxisBrush(brush, "loss", [])).toEqual({ lr: [[1e-3, 1]] });
    const withoutLr = buildAxes(runs, ["opt"], "loss");
    expect(pruneBrush(brush, withoutLr)).toEqual({ loss: [[0, 0.1]] });
  });

  it("rounds ends to six significant digits", () => {
    expect(setAxisBrush({}, "loss", [[0.7749999999999999, 0.9157894736842105]])).toEqual({ loss: [[0.775, 0.915789]] });
  });

  it("ignores malformed intervals", () => {
    expect(setAxisBrush({}, "loss", [[Number.NaN, 1], [2]])).toEqual({});
  });
});
