import { describe, expect, it } from "vitest";
import { DEFAULT_VISIBLE, isVisible, setVisible } from "./visibility";

describe("visibility", () => {
  const indexOf = (id: string) => Number(id.slice(1));
  const none = { hide: [], show: [] };

  it("shows the first 50 runs by default", () => {
    expect(isVisible("r0", 0, none)).toBe(true);
    expect(isVisible("r49", DEFAULT_VISIBLE - 1, none)).toBe(true);
    expect(isVisible("r50", DEFAULT_VISIBLE, none)).toBe(false);
  });

  it("hides early runs through hide and shows late runs through show", () => {
    const v = setVisible(none, ["r1", "r60"], false, indexOf);
    expect(v).toEqual({ hide: ["r1"], show: [] });
    const back = setVisible(v, ["r1", "r60"], true, indexOf);
    expect(back).toEqual({ hide: [], show: ["r60"] });
    expect(isVisible("r60", 60, back)).toBe(true);
  });
});
