import { describe, expect, it } from "vitest";
import type { BlockChange, VersionDiff, VersionInfo } from "../api";
import { changeTitle, fieldText, headingRows, titlesWhereChanged } from "./changes";

const md = { kind: "markdown" as const, text: "x" };
const change = (c: Partial<BlockChange>): BlockChange => ({ change: "changed", old_index: 0, new_index: 0, old: md, new: md, fields: [], lines: null, ...c });

describe("fieldText", () => {
  it("says none for an absent value and keeps strings as they are", () => {
    expect(fieldText(null)).toBe("none");
    expect(fieldText(undefined)).toBe("none");
    expect(fieldText("<b>t</b>")).toBe("<b>t</b>");
  });
  it("writes lists and flags as JSON, cut when long", () => {
    expect(fieldText(["loss", "acc"])).toBe('["loss","acc"]');
    expect(fieldText(false)).toBe("false");
    expect(fieldText("x".repeat(10))).toHaveLength(10);
    expect(fieldText(["y".repeat(300)])).toHaveLength(200);
  });
  it("sums up a frozen panel's data", () => {
    expect(fieldText({ taken_at: 0, runs: [{ id: "a" }, { id: "b" }] }, "data")).toBe("2 runs, taken 1970-01-01 00:00:00 UTC");
    expect(fieldText({ taken_at: 60, runs: [{ id: "a" }] }, "data")).toBe("1 run, taken 1970-01-01 00:01:00 UTC");
    expect(fieldText({ taken_at: 0 }, "other")).toBe('{"taken_at":0}');
  });
});

describe("changeTitle", () => {
  it("names the kind and the places, counted from 1", () => {
    expect(changeTitle(change({ change: "added", old_index: null, old: null, new_index: 2 }))).toBe("Markdown added as block 3");
    expect(changeTitle(change({ change: "removed", new_index: null, new: null }))).toBe("Markdown removed (was block 1)");
    expect(changeTitle(change({ change: "moved", old_index: 3, new_index: 0 }))).toBe("Markdown moved from block 4 to block 1");
    const panel = { kind: "line" as const, keys: ["loss"] };
    expect(changeTitle(change({ old: panel, new: panel, old_index: 1, new_index: 2 }))).toBe("line panel changed (block 2, now block 3)");
    const picture = { kind: "picture" as const, blob: "a".repeat(64), media_type: "image/png", width: 2, height: 2 };
    expect(changeTitle(change({ change: "added", old_index: null, old: null, new: picture, new_index: 0 }))).toBe("Image added as block 1");
  });
});

describe("headingRows", () => {
  const diff = (d: Partial<VersionDiff>): VersionDiff => ({ a: 1, b: 2, changes: [], title: null, description: null, ...d });
  it("lists the title and description only when they changed", () => {
    expect(headingRows(diff({}))).toEqual([]);
    expect(headingRows(diff({ title: { old: "A", new: "B" } }))).toEqual([{ field: "title", old: "A", new: "B" }]);
    expect(headingRows(diff({ title: { old: "A", new: "B" }, description: { old: "", new: "d" } })).map((r) => r.field)).toEqual(["title", "description"]);
  });
});

describe("titlesWhereChanged", () => {
  const v = (version: number, title: string | null): VersionInfo => ({ version, author: null, created_at: 0, block_count: 0, title });
  it("shows an older version's title where it differs from the newer one's", () => {
    expect(titlesWhereChanged([v(4, "C"), v(3, "B"), v(2, "B"), v(1, "A")])).toEqual([null, "B", null, "A"]);
  });
  it("shows nothing where a title was not recorded, nor against one", () => {
    expect(titlesWhereChanged([v(3, "B"), v(2, null), v(1, "A")])).toEqual([null, null, null]);
    expect(titlesWhereChanged([])).toEqual([]);
  });
});
