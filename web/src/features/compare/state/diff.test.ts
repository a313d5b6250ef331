import { describe, expect, it } from "vitest";
import { flatten } from "../../../lib/flatten";
import type { JsonValue } from "../../../api/types";
import { diffRows, equalCount, visibleRows } from "./diff";
import cases from "./diffCases.json";

describe("flatten", () => {
  it("joins nested keys with dots and keeps lists and empty objects as values", () => {
    expect(flatten({ lr: 0.1, model: { width: 32, act: { name: "relu" } }, layers: [1, 2], opt: {} })).toEqual({
      lr: 0.1,
      "model.width": 32,
      "model.act.name": "relu",
      layers: [1, 2],
      opt: {},
    });
  });
});

describe("diffRows", () => {
  const a = flatten({ lr: 0.1, model: { width: 32 }, optimizer: "sgd", seed: 1 });
  const b = flatten({ lr: 0.3, model: { width: 32 }, optimizer: "sgd" });

  it("marks keys whose values differ, including missing ones", () => {
    const rows = diffRows([a, b]);
    expect(rows.map((r) => [r.key, r.differs])).toEqual([
      ["lr", true],
      ["model.width", false],
      ["optimizer", false],
      ["seed", true],
    ]);
    expect(rows.find((r) => r.key === "seed")?.values).toEqual([1, undefined]);
  });

  it("tells 1 from '1' and compares lists by value", () => {
    expect(diffRows([{ x: 1 }, { x: "1" }])[0]?.differs).toBe(true);
    expect(diffRows([{ x: [1, 2] }, { x: [1, 2] }])[0]?.differs).toBe(false);
  });

  it("filters to differences and by search", () => {
    const rows = diffRows([a, b]);
    expect(visibleRows(rows, true, "").map((r) => r.key)).toEqual(["lr", "seed"]);
    expect(visibleRows(rows, false, "wid").map((r) => r.key)).toEqual(["model.width"]);
    expect(visibleRows(rows, false, "sgd").map((r) => r.key)).toEqual(["optimizer"]);
  });

  it("counts the rows where every run agrees", () => {
    expect(equalCount(diffRows([a, b]))).toBe(2);
    expect(equalCount(diffRows([a]))).toBe(4);
  });
});

describe("the shared cases of the differs rule (pytest reads them too)", () => {
  for (const c of cases.cases) {
    it(c.name, () => {
      const rows = diffRows(c.records as Record<string, JsonValue>[]);
      expect(rows.map((r) => [r.key, r.differs])).toEqual(c.rows);
    });
  }
});
