import { describe, expect, it } from "vitest";
import { pickedIds, withPickedRun } from "./pickedRuns";

describe("the runs a compare panel picked", () => {
  it("reads the ids of an id list, quoted either way", () => {
    expect(pickedIds('id in ["a1", "b2"]')).toEqual(["a1", "b2"]);
    expect(pickedIds("id in ['a1', 'b2']")).toEqual(["a1", "b2"]);
    expect(pickedIds('id in ["q\\"x"]')).toEqual(['q"x']);
    expect(pickedIds("config.lr > 0.1")).toEqual([]);
  });

  it("adds a run once, to the list or as a new one", () => {
    expect(withPickedRun("", "a1")).toBe('id in ["a1"]');
    expect(withPickedRun('id in ["a1"]', "b2")).toBe('id in ["a1", "b2"]');
    expect(withPickedRun('id in ["a1"]', "a1")).toBe('id in ["a1"]');
    expect(withPickedRun("config.lr > 0.1", "a1")).toBe('id in ["a1"]');
  });
});
