import { describe, expect, it } from "vitest";

import { canShift, displayOrder, moveColumn, shiftColumn } from "./columnOrder";

const COLS = ["state", "config.lr", "config.width", "summary.acc", "tags"];

describe("column order", () => {
  it("draws pinned columns first, each part in the saved order", () => {
    expect(displayOrder(COLS, ["tags", "config.lr"])).toEqual(["config.lr", "tags", "state", "config.width", "summary.acc", ]);
  });

  it("drops a column before or after another", () => {
    expect(moveColumn(COLS, [], "tags", "config.lr", "before")).toEqual([
      "state", "tags", "config.lr", "config.width", "summary.acc",
    ]);
    expect(moveColumn(COLS, [], "state", "summary.acc", "after")).toEqual([
      "config.lr", "config.width", "summary.acc", "state", "tags",
    ]);
  });

  it("does not move a column across the pinned ones, nor onto itself or an unknown one", () => {
    expect(moveColumn(COLS, ["tags"], "state", "tags", "before")).toEqual(displayOrder(COLS, ["tags"]));
    expect(moveColumn(COLS, [], "state", "state", "after")).toEqual(COLS);
    expect(moveColumn(COLS, [], "gone", "state", "after")).toEqual(COLS);
  });

  it("shifts one place within the column's pin group", () => {
    expect(shiftColumn(COLS, [], "config.width", -1)).toEqual(["state", "config.width", "config.lr", "summary.acc", "tags"]);
    expect(shiftColumn(COLS, [], "config.width", 1)).toEqual(["state", "config.lr", "summary.acc", "config.width", "tags"]);
    expect(shiftColumn(COLS, [], "state", -1)).toEqual(COLS);
    expect(canShift(COLS, [], "state", -1)).toBe(false);
    expect(canShift(COLS, [], "tags", 1)).toBe(false);
    expect(canShift(COLS, ["tags"], "state", -1)).toBe(false); // tags is pinned, drawn first
    expect(canShift(COLS, ["tags"], "state", 1)).toBe(true);
  });
});
