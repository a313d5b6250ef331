import { describe, expect, it } from "vitest";
import type { Series } from "../../../api/types";
import { buildLines, type ChartLine, groupRuns, withPositiveX } from "./chartLines";

function series(run_id: string, key: string, x: number[], y: (number | null)[], nonfinite: Series["nonfinite"] = { index: [], kind: [] }): Series {
  return { run_id, key, x, y, nonfinite };
}

const RUNS = [
  { id: "a", name: "run-a", color: "#4e79a7", group: "g1" },
  { id: "b", name: "run-b", color: "#f28e2b", group: "g1" },
  { id: "c", name: "run-c", color: "#e15759", group: null },
];

describe("buildLines", () => {
  const data = [
    series("a", "loss", [0, 1, 2], [1, 2, 3]),
    series("b", "loss", [0, 1, 2], [3, null, 5], { index: [1], kind: ["inf"] }),
    series("c", "loss", [0, 1], [7, 8]),
    series("a", "acc", [0, 1], [0.1, 0.2]),
  ];

  it("draws one line per run in table order, with its colour and non-finite markers", () => {
    const lines = buildLines(data, RUNS, ["loss"], false, 100);
    expect(lines.map((l) => l.label)).toEqual(["run-a", "run-b", "run-c"]);
    expect(lines[1]?.color).toBe("#f28e2b");
    expect(lines[1]?.markers).toEqual([{ x: 1, kind: "inf" }]);
    expect(lines[1]?.kinds?.get(1)).toBe("inf");
    expect(lines.map((l) => l.runIds)).toEqual([["a"], ["b"], ["c"]]);
  });

  it("tells keys apart by label and dash when a panel has several", () => {
    const lines = buildLines(data, RUNS, ["loss", "acc"], false, 100);
    expect(lines.map((l) => l.label)).toEqual(["run-a · loss", "run-b · loss", "run-c · loss", "run-a · acc"]);
    expect(lines[0]?.dash).toBeNull();
    expect(lines[3]?.dash).not.toBeNull();
  });

  it("groups runs into a mean line with a band, in the first run's colour", () => {
    const lines = buildLines(data, RUNS, ["loss"], true, 100);
    expect(lines.map((l) => l.label)).toEqual(["g1", "run-c"]);
    const g = lines[0];
    expect(g?.color).toBe("#4e79a7");
    expect(g?.runCount).toBe(2);
    expect(g?.y).toEqual([2, 2, 4]);
    expect(g?.band).toEqual({ min: [1, 2, 3], max: [3, 2, 5] });
    expect(g?.markers).toEqual([{ x: 1, kind: "inf" }]);
    expect(lines[1]?.band).toBeNull();
    // hover: the group's line stands for its runs, so hovering either row emphasises it
    expect(g?.runIds).toEqual(["a", "b"]);
    expect(lines[1]?.runIds).toEqual(["c"]);
  });

  it("skips runs without data", () => {
    expect(buildLines([], RUNS, ["loss"], false, 100)).toEqual([]);
    expect(buildLines([], RUNS, ["loss"], true, 100)).toEqual([]);
  });
});

describe("groupRuns", () => {
  it("keeps the order of first appearance; ungrouped runs stand alone", () => {
    const groups = groupRuns([
      { id: "x", name: "x", color: "#000", group: null },
      { id: "y", name: "y", color: "#000", group: "b" },
      { id: "z", name: "z", color: "#000", group: "a" },
      { id: "w", name: "w", color: "#000", group: "b" },
    ]);
    expect(groups.map((g) => [g.label, g.runs.map((r) => r.id)])).toEqual([
      ["x", ["x"]],
      ["b", ["y", "w"]],
      ["a", ["z"]],
    ]);
  });
});

describe("withPositiveX", () => {
  it("drops the points at x <= 0 and shifts the non-finite kinds along", () => {
    const line: ChartLine = {
      id: "a", label: "a", color: "#000", dash: null, x: [0, 1, 2], y: [5, null, 3], band: null,
      kinds: new Map([[1, "nan"]]), markers: [{ x: 1, kind: "nan" }], runCount: 1, runIds: ["a"],
    };
    const [out] = withPositiveX([line]);
    expect(out?.x).toEqual([1, 2]);
    expect(out?.y).toEqual([null, 3]);
    expect([...(out?.kinds ?? [])]).toEqual([[0, "nan"]]);
  });
});
