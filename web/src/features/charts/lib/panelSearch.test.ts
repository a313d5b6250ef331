import { describe, expect, it } from "vitest";
import { panelSearch } from "./panelSearch";

const KEYS = ["train/loss", "train/acc", "val/loss", "val/acc", "lr", "summary.val/acc"];

function matching(text: string): string[] {
  const { test } = panelSearch(text);
  return test ? KEYS.filter(test) : KEYS;
}

describe("panelSearch", () => {
  it("shows every panel for empty or blank text", () => {
    expect(panelSearch("").test).toBeNull();
    expect(matching("   ")).toEqual(KEYS);
  });
  it("matches plain text anywhere in a key, ignoring case", () => {
    expect(matching("ACC")).toEqual(["train/acc", "val/acc", "summary.val/acc"]);
    expect(matching(" val/ ")).toEqual(["val/loss", "val/acc", "summary.val/acc"]);
  });
  it("reads text between slashes as a regular expression", () => {
    expect(matching("/^val\\//")).toEqual(["val/loss", "val/acc"]);
    expect(matching("/LOSS$/i")).toEqual(["train/loss", "val/loss"]);
  });
  it("says why an expression is invalid and matches nothing", () => {
    const { test, error } = panelSearch("/(unclosed/");
    expect(error).toMatch(/Invalid regular expression|unterminated|group/i);
    expect(KEYS.filter(test ?? (() => true))).toEqual([]);
  });
  it("treats a lone slash or a path as plain text", () => {
    expect(matching("/")).toEqual(["train/loss", "train/acc", "val/loss", "val/acc", "summary.val/acc"]);
  });
});
