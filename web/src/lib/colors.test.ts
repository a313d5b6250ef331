import { afterEach, describe, expect, it } from "vitest";

import { ciede2000, contrast, hexToLab } from "./ciede2000";
import {
  getRunColorOverrides,
  normalizeHex,
  paletteColor,
  parseRunColorOverrides,
  runColor,
  setRunColorOverrides,
  withRunColor,
} from "./colors";

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

describe("the run palette", () => {
  const first20 = Array.from({ length: 20 }, (_, i) => paletteColor(i));
  // The panel backgrounds of the light and dark themes (--bg-panel in styles.css).
  const BACKGROUNDS = ["#ffffff", "#16191e"];

  // ΔE00 ≈ 2.3 is a just-noticeable difference between patches side by side; thin lines
  // far apart on a chart need much more. 15 keeps every pair of the first 20 colours a
  // different hue or a clearly different lightness (the old palette's two browns were 9.9
  // apart, its two greens 11.2), and is close to the best a greedy max-min (Glasbey) search
  // reaches for 20 colours that also keep 3:1 contrast on both themes.
  const MIN_DELTA_E = 15;

  it(`keeps every pair of the first 20 colours at least ΔE00 ${MIN_DELTA_E} apart`, () => {
    const labs = first20.map(hexToLab);
    const close: string[] = [];
    labs.forEach((a, i) =>
      labs.slice(0, i).forEach((b, j) => {
        const d = ciede2000(a, b);
        if (d < MIN_DELTA_E) close.push(`${first20[j]} ${first20[i]} ΔE00 ${d.toFixed(1)}`);
      }),
    );
    expect(close).toEqual([]);
  });

  // WCAG 2.1 §1.4.11: graphical objects need 3:1 against what is next to them.
  it("reads on the light and the dark theme (3:1 contrast on both panel backgrounds)", () => {
    const weak = first20.flatMap((c) =>
      BACKGROUNDS.filter((bg) => contrast(c, bg) < 3).map((bg) => `${c} on ${bg}: ${contrast(c, bg).toFixed(2)}`),
    );
    expect(weak).toEqual([]);
  });
});

describe("chosen run colours", () => {
  afterEach(() => setRunColorOverrides({}));

  it("replace the palette's colour of that run only", () => {
    const plain = runColor({ id: "a", number: 1 });
    setRunColorOverrides(withRunColor({}, "a", "#123456"));
    expect(runColor({ id: "a", number: 1 })).toBe("#123456");
    expect(runColor({ id: "b", number: 1 })).toBe(plain);
    setRunColorOverrides(withRunColor(getRunColorOverrides(), "a", null));
    expect(runColor({ id: "a", number: 1 })).toBe(plain);
  });

  it("read hex colours in either case and length, and nothing else", () => {
    expect(normalizeHex("#ABC")).toBe("#aabbcc");
    expect(normalizeHex(" a0b1c2 ")).toBe("#a0b1c2");
    expect(normalizeHex("red")).toBeNull();
    expect(normalizeHex("#12345")).toBeNull();
    expect(normalizeHex("url(x)")).toBeNull();
  });

  it("are parsed from a workspace leaving out anything not a colour", () => {
    expect(parseRunColorOverrides({ a: "#FF0000", b: "javascript:x", c: 3 })).toEqual({ a: "#ff0000" });
    expect(parseRunColorOverrides(["#ff0000"])).toEqual({});
    expect(parseRunColorOverrides(null)).toEqual({});
  });
});
