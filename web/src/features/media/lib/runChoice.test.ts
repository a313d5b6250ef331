import { describe, expect, it } from "vitest";
import { chosenRuns, type MediaRun, runsNote, selectedFirst, togglePicked } from "./runChoice";

const runs: MediaRun[] = ["a", "b", "c", "d"].map((id) => ({ id, name: `run-${id}`, color: "#000" }));

describe("chosenRuns", () => {
  it("draws the first runs in table order until some are picked", () => {
    expect(chosenRuns(runs, null, 2).map((r) => r.id)).toEqual(["a", "b"]);
  });
  it("keeps the picked runs in table order, at most the limit", () => {
    expect(chosenRuns(runs, ["d", "b"], 3).map((r) => r.id)).toEqual(["b", "d"]);
    expect(chosenRuns(runs, ["d", "c", "b"], 2).map((r) => r.id)).toEqual(["b", "c"]);
  });
  it("falls back to the first runs when no picked run is left (hidden in the table)", () => {
    expect(chosenRuns(runs, ["gone"], 2).map((r) => r.id)).toEqual(["a", "b"]);
  });
});

describe("runsNote", () => {
  it("says how many of how many runs are drawn", () => {
    expect(runsNote(1, 1)).toBe("1 run");
    expect(runsNote(3, 3)).toBe("3 runs");
    expect(runsNote(4, 15)).toBe("4 of 15 runs");
  });
});

describe("togglePicked", () => {
  it("adds up to the limit and never removes the last run", () => {
    expect(togglePicked(["a"], "b", 2)).toEqual(["a", "b"]);
    expect(togglePicked(["a", "b"], "c", 2)).toEqual(["a", "b"]);
    expect(togglePicked(["a", "b"], "a", 2)).toEqual(["b"]);
    expect(togglePicked(["a"], "a", 2)).toEqual(["a"]);
  });
});

describe("selectedFirst", () => {
  it("puts the runs selected in the table first, each part in table order", () => {
    expect(selectedFirst(runs, ["d", "b"]).map((r) => r.id)).toEqual(["b", "d", "a", "c"]);
    expect(selectedFirst(runs, [])).toBe(runs);
  });
});
