import { describe, expect, it } from "vitest";
import { LEGEND_PAGE, legendMore, legendShown, nearEnd } from "./legendWindow";

describe("legendShown", () => {
  it("renders every entry of a short legend", () => {
    expect(legendShown(12, 0)).toBe(12);
    expect(legendShown(LEGEND_PAGE, LEGEND_PAGE)).toBe(LEGEND_PAGE);
  });

  it("renders a first page of a long legend, then a page more each time it is asked", () => {
    expect(legendShown(1000, 0)).toBe(LEGEND_PAGE);
    const once = legendMore(legendShown(1000, 0));
    expect(legendShown(1000, once)).toBe(2 * LEGEND_PAGE);
    let wanted = 0;
    for (let i = 0; i < 20; i += 1) wanted = legendMore(legendShown(1000, wanted));
    expect(legendShown(1000, wanted)).toBe(1000);
  });
});

describe("nearEnd", () => {
  it("is true at the end of the box and false far from it", () => {
    expect(nearEnd(948, 52, 1000)).toBe(true);
    expect(nearEnd(910, 52, 1000)).toBe(true);
    expect(nearEnd(0, 52, 1000)).toBe(false);
    expect(nearEnd(0, 52, 52)).toBe(true);
  });
});
