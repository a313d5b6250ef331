import { describe, expect, it } from "vitest";
import {
  type AnalysisRun,
  axisValue,
  buildAxes,
  defaultGoal,
  defaultMetric,
  numericMetrics,
  plottableRuns,
  varyingParams,
  wantsLogScale,
} from "./axes";

function run(id: string, config: AnalysisRun["config"], summary: AnalysisRun["summary"] = {}): AnalysisRun {
  return { id, name: id, config, summary };
}

describe("log scale decision", () => {
  it("is log when positive values span more than two decades", () => {
    expect(wantsLogScale([1e-4, 1e-3, 1e-1])).toBe(true);
    expect(wantsLogScale([0.001, 0.1])).toBe(false); // exactly two decades
    expect(wantsLogScale([0.001, 0.1001])).toBe(true);
  });
  it("is linear when values spread evenly over the range, even past two decades", () => {
    const uniform = Array.from({ length: 50 }, (_, i) => 0.001 + i / 49);
    expect(wantsLogScale(uniform)).toBe(false);
    const logUniform = Array.from({ length: 50 }, (_, i) => 10 ** (-5 + (4 * i) / 49));
    expect(wantsLogScale(logUniform)).toBe(true);
  });
  it("is linear with zero or negative values, or a single value", () => {
    expect(wantsLogScale([0, 1e-4, 1])).toBe(false);
    expect(wantsLogScale([-1, 1000])).toBe(false);
    expect(wantsLogScale([5])).toBe(false);
  });
});

describe("axes", () => {
  const runs = [
    run("a", { lr: 1e-4, width: 64, opt: "adam", seed: 1, fixed: 3, nested: [1, 2] }, { loss: 0.5, tag: "x" }),
    run("b", { lr: 1e-2, width: 128, opt: "sgd", seed: 1, fixed: 3 }, { loss: 0.2, _runtime: 3 }),
    run("c", { lr: 1e-1, width: 256, opt: "adam", seed: 2, fixed: 3, flag: true }, { loss: "NaN" }),
  ];

  it("defaults to the scalar parameters that vary", () => {
    expect(varyingParams(runs)).toEqual(["flag", "lr", "opt", "seed", "width"]); // flag: true or missing
  });

  it("offers numeric summary keys as metrics, not internal ones", () => {
    expect(numericMetrics(runs)).toEqual(["loss"]);
  });

  it("numeric parameters get value or log axes, strings and bools category axes, the metric last", () => {
    const axes = buildAxes(runs, ["lr", "width", "opt", "flag"], "loss");
    expect(axes.map((a) => [a.key, a.kind, a.source])).toEqual([
      ["lr", "log", "config"],
      ["width", "value", "config"],
      ["opt", "category", "config"],
      ["flag", "category", "config"],
      ["loss", "value", "summary"],
    ]);
    expect(axes[2]?.categories).toEqual(["adam", "sgd"]);
    expect(axes[3]?.categories).toEqual(["(none)", "true"]);
  });

  it("places runs by number or by category index; a missing number is null", () => {
    const [lr, , opt] = buildAxes(runs, ["lr", "width", "opt"], "loss");
    expect(axisValue(lr!, runs[1]!)).toBe(1e-2);
    expect(axisValue(opt!, runs[1]!)).toBe(1);
    expect(axisValue(lr!, run("d", {}))).toBeNull();
  });

  it("draws only runs with a finite metric", () => {
    expect(plottableRuns(runs, "loss").map((r) => r.id)).toEqual(["a", "b"]);
  });

  it("starts with a validation metric, else a quality metric, never a counter when it can", () => {
    expect(defaultMetric(["epoch", "train/loss", "val/acc", "val/loss"])).toBe("val/acc");
    expect(defaultMetric(["epoch", "step", "train_loss"])).toBe("train_loss");
    expect(defaultMetric(["epoch", "throughput"])).toBe("throughput");
    expect(defaultMetric(["epoch"])).toBe("epoch");
    expect(defaultMetric([])).toBeUndefined();
  });

  it("guesses lower is better for losses and errors", () => {
    expect(defaultGoal("val/loss")).toBe("minimize");
    expect(defaultGoal("test_error")).toBe("minimize");
    expect(defaultGoal("val/acc")).toBe("maximize");
  });
});
