import { describe, expect, it } from "vitest";
import { joinList, splitList } from "./urlList";

describe("url lists", () => {
  it("round-trips items with commas and backslashes", () => {
    const items = ["config.lr", "summary.a,b", "config.x\\y", "plain"];
    expect(splitList(joinList(items))).toEqual(items);
    expect(joinList(["a,b"])).toBe("a\\,b");
  });
  it("reads a missing or empty parameter as no items", () => {
    expect(splitList(null)).toEqual([]);
    expect(splitList("")).toEqual([]);
    expect(splitList("a,,b")).toEqual(["a", "b"]);
  });
});
