import { describe, expect, it } from "vitest";
import type { TablePage } from "../api";
import { cellText, loadedRows, viewRows } from "./tableRows";

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
