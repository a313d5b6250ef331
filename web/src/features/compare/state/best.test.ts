import { describe, expect, it } from "vitest";
import type { MetricDef } from "../../../api/types";
import { bestOf, directionFromName, globRegex, keyDirection, type DirectionSources } from "./best";

const def = (name: string, summary: MetricDef["summary"]): MetricDef => ({ name, summary, step_metric: null });
const rules = (...defs: MetricDef[][]): DirectionSources => ({ defs, goals: [] });
const NONE = rules();

describe("globRegex", () => {
  it("matches define_metric globs on the whole key", () => {
    expect(globRegex("val/*").test("val/acc")).toBe(true);
    expect(globRegex("val/*").test("train/val/acc")).toBe(false);
    expect(globRegex("a?c").test("abc")).toBe(true);
    expect(globRegex("a.c").test("abc")).toBe(false);
  });
});

describe("directionFromName", () => {
  it("reads lower-is-better and higher-is-better words", () => {
    expect(directionFromName("val/loss")?.direction).toBe("min");
    expect(directionFromName("train_error")?.direction).toBe("min");
    expect(directionFromName("val/acc")?.direction).toBe("max");
    expect(directionFromName("eval/F1")?.direction).toBe("max");
    expect(directionFromName("val/auc")?.rule).toContain("“auc”: higher is better");
  });
  it("lets the last word decide and knows nothing of other names", () => {
    expect(directionFromName("acc/loss")?.direction).toBe("min");
    expect(directionFromName("epoch")).toBeNull();
    expect(directionFromName("lossy_thing")).toBeNull();
  });
});

describe("keyDirection", () => {
  it("prefers define_metric min or max, the latest matching rule winning", () => {
    const d = keyDirection("val/loss", rules([def("val/*", "last"), def("val/loss", "max")]));
    expect(d?.direction).toBe("max");
    expect(d?.rule).toBe('define_metric("val/loss", summary="max"): higher is better');
  });
  it("falls back to the name when the rule says neither min nor max", () => {
    expect(keyDirection("val/loss", rules([def("val/*", "mean")]))?.rule).toContain("key name");
  });
  it("uses a sweep's goal for its metric when no rule says min or max", () => {
    const goals = [{ name: "val/acc", goal: "minimize" as const }];
    const d = keyDirection("val/acc", { defs: [[def("val/acc", "last")]], goals });
    expect(d).toEqual({ direction: "min", rule: "the sweep's goal is to minimize val/acc: lower is better" });
    expect(keyDirection("val/acc", { defs: [[def("val/acc", "max")]], goals })?.direction).toBe("max");
    expect(keyDirection("val/accuracy", { defs: [], goals })?.rule).toContain("key name");
  });
  it("is unknown when the runs' rules disagree", () => {
    expect(keyDirection("score", rules([def("score", "min")], [def("score", "max")]))).toBeNull();
  });
});

describe("bestOf", () => {
  it("marks the lowest for a min metric and the highest for a max metric", () => {
    expect(bestOf("val/loss", [0.3, 0.1, 0.2], NONE)?.best).toEqual([1]);
    expect(bestOf("val/acc", [0.3, 0.9, 0.2], NONE)?.best).toEqual([1]);
    expect(bestOf("score", [5, 1, 3], rules([def("score", "min")], [], []))?.best).toEqual([1]);
  });
  it("marks every run on a tie and skips missing and non-finite values", () => {
    expect(bestOf("loss", [0.1, undefined, 0.1, "NaN", 0.4], NONE)?.best).toEqual([0, 2]);
  });
  it("marks nothing when the direction is unknown, values are not numbers, or all agree", () => {
    expect(bestOf("epoch", [1, 2], NONE)).toBeNull();
    expect(bestOf("loss", ["a", "b"], NONE)).toBeNull();
    expect(bestOf("loss", [0.2, undefined], NONE)).toBeNull();
    expect(bestOf("loss", [0.2, 0.2], NONE)).toBeNull();
  });
});
