import { describe, expect, it } from "vitest";
import { toggleSelection } from "./selection";

describe("toggleSelection", () => {
  const order = ["a", "b", "c", "d", "e"];
  it("toggles one run", () => {
    expect(toggleSelection([], order, "b", null)).toEqual(["b"]);
    expect(toggleSelection(["b"], order, "b", null)).toEqual([]);
  });
  it("selects a range on shift-click, in either direction", () => {
    expect(toggleSelection(["b"], order, "d", "b").sort()).toEqual(["b", "c", "d"]);
    expect(toggleSelection(["d"], order, "b", "d").sort()).toEqual(["b", "c", "d"]);
  });
  it("clears a range when the clicked run was selected", () => {
    expect(toggleSelection(["a", "b", "c", "d"], order, "d", "b")).toEqual(["a"]);
  });
});
