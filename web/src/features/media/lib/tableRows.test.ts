import { describe, expect, it } from "vitest";
import type { TablePage } from "../api";
import { cellText, filterPlaceholder, loadedRows, splitJoined, viewRows } from "./tableRows";

const page = (offset: number, labels: string[], groups: TablePage["groups"] = null): TablePage => ({
  step: 0,
  total: 4,
  matched: 4,
  offset,
  columns: ["label", "_row"],
  types: { label: "string" },
  data: { label: labels, _row: labels.map((_, i) => offset + i) },
  groups,
  spec: null,
});

describe("viewRows", () => {
  it("adds a header row where the group value changes, across pages", () => {
    const groups = [
      { value: "cat", count: 3 },
      { value: "dog", count: 1 },
    ];
    const rows = viewRows([page(0, ["cat", "cat"], groups), page(2, ["cat", "dog"], groups)], "label");
    expect(rows.map((r) => (r.kind === "group" ? `#${String(r.value)}:${r.count}` : r.index))).toEqual(["#cat:3", 0, 1, 2, "#dog:1", 3]);
    expect(loadedRows([page(0, ["a"]), page(1, ["b", "c"])])).toBe(3);
  });

  it("formats cells", () => {
    expect([cellText(1), cellText(0.123456), cellText(null), cellText({ a: 1 }), cellText("x")]).toEqual(["1", "0.1235", "", '{"a":1}', "x"]);
  });
});

describe("filterPlaceholder", () => {
  const types = { id: "number", label: "string", score: "number", img: "image", "val acc": "number" };
  it("writes an example with the table's own columns and first row", () => {
    expect(filterPlaceholder(["id", "label", "score", "img"], types, { id: 0, label: "cat", score: 0.05 })).toBe(
      'filter, e.g. id > 0 and label == "cat"',
    );
  });
  it("skips columns the filter language cannot take bare, and falls back to a generic hint", () => {
    expect(filterPlaceholder(["val acc", "img"], types, { "val acc": 0.5 })).toBe("filter rows, e.g. column > 0");
    expect(filterPlaceholder(["score"], types, undefined)).toBe("filter rows, e.g. column > 0");
  });
});

describe("splitJoined", () => {
  it("splits a joined column into its name and run", () => {
    expect(splitJoined("score · media-a")).toEqual({ name: "score", run: "media-a" });
    expect(splitJoined("score")).toEqual({ name: "score", run: null });
  });
});
