import { describe, expect, it } from "vitest";
import { aggregate, bars, numericKeys, runValue, scatterPoints, type ValueRun } from "./runValues";

function run(id: string, lr: number, acc: number | null, group: string | null = null, created = 0): ValueRun {
  return {
    id,
    name: `run-${id}`,
    color: `#00000${id}`,
    group,
    created_at: created,
    config: { lr, optimizer: "adam", "model.width": 32 },
    summary: acc === null ? { _step: 3 } : { "val/acc": acc, _step: 3 },
  };
}

const RUNS = [run("1", 0.3, 0.5, "a", 1), run("2", 0.1, 0.9, "a", 3), run("3", 0.03, 0.7, "b", 2), run("4", 0.01, null, "b", 4)];

describe("runValue", () => {
  it("reads numbers from config and summary, nothing else", () => {
    expect(runValue(RUNS[0] as ValueRun, "config.lr")).toBe(0.3);
    expect(runValue(RUNS[0] as ValueRun, "config.model.width")).toBe(32);
    expect(runValue(RUNS[0] as ValueRun, "summary.val/acc")).toBe(0.5);
    expect(runValue(RUNS[0] as ValueRun, "config.optimizer")).toBeNull();
    expect(runValue(RUNS[0] as ValueRun, "lr")).toBeNull();
  });

  it("lists numeric keys, config first, without private summary keys", () => {
    expect(numericKeys(RUNS)).toEqual(["config.lr", "config.model.width", "summary.val/acc"]);
  });
});

describe("scatterPoints", () => {
  it("keeps runs with both values, and only positive ones on a log axis", () => {
    expect(scatterPoints(RUNS, "config.lr", "summary.val/acc", "config.model.width").map((p) => [p.run.id, p.x, p.y, p.c])).toEqual([
      ["1", 0.3, 0.5, 32],
      ["2", 0.1, 0.9, 32],
      ["3", 0.03, 0.7, 32],
    ]);
    const negative = [run("5", -1, 0.2), run("6", 1, 0.2)];
    expect(scatterPoints(negative, "config.lr", "summary.val/acc", null, { x: true, y: false }).map((p) => p.run.id)).toEqual(["6"]);
  });
});

describe("bars", () => {
  it("one per run, largest first", () => {
    expect(bars(RUNS, "summary.val/acc", false).map((b) => [b.label, b.value])).toEqual([
      ["run-2", 0.9],
      ["run-3", 0.7],
      ["run-1", 0.5],
    ]);
  });

  it("one per group: mean with min and max", () => {
    const grouped = bars(RUNS, "summary.val/acc", true);
    expect(grouped.map((b) => [b.label, b.value, b.low, b.high, b.runIds])).toEqual([
      ["a", 0.7, 0.5, 0.9, ["1", "2"]],
      ["b", 0.7, 0.7, 0.7, ["3"]],
    ]);
  });
});

describe("aggregate", () => {
  it("mean, min, max, the newest run's and one run's value", () => {
    expect(aggregate(RUNS, "summary.val/acc", "mean").value).toBeCloseTo(0.7);
    expect(aggregate(RUNS, "summary.val/acc", "min")).toMatchObject({ value: 0.5, count: 3 });
    expect(aggregate(RUNS, "summary.val/acc", "max").run?.id).toBe("2");
    expect(aggregate(RUNS, "summary.val/acc", "last").run?.id).toBe("2");
    expect(aggregate(RUNS, "summary.val/acc", "run", "3").value).toBe(0.7);
    expect(aggregate(RUNS, "summary.val/acc", "run", "4").value).toBeNull();
    expect(aggregate([], "summary.val/acc", "mean")).toEqual({ value: null, count: 0, run: null });
  });
});
