import { describe, expect, it } from "vitest";

import { paletteColor, runColor } from "./colors";

describe("runColor", () => {
  it("gives consecutive runs of a project different colours", () => {
    const colours = Array.from({ length: 20 }, (_, i) => runColor({ id: `x${i}`, number: i + 1 }));
    expect(new Set(colours).size).toBe(20);
  });

  it("is the same for a run wherever it is drawn", () => {
    expect(runColor({ id: "abc", number: 3 })).toBe(runColor({ id: "zzz", number: 3 }));
    expect(runColor({ id: "abc", number: 3 })).toBe(paletteColor(2));
  });

  it("falls back to a stable hash of the id without a number", () => {
    expect(runColor({ id: "abc" })).toBe(runColor({ id: "abc" }));
  });
});
