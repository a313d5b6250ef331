import { describe, expect, it } from "vitest";
import { texOf } from "./math";

// drawMath needs a DOM: tests/e2e/test_reports.py checks it in Chromium.

describe("texOf", () => {
  it("takes the delimiters off", () => {
    expect(texOf("$x^2$", false)).toBe("x^2");
    expect(texOf("$$\\frac{1}{2}$$", true)).toBe("\\frac{1}{2}");
  });
  it("leaves a text without its delimiters as it is", () => {
    expect(texOf("x^2", false)).toBe("x^2");
    expect(texOf("$", false)).toBe("$");
    expect(texOf("$x$", true)).toBe("$x$");
  });
});

