import { describe, expect, it } from "vitest";
import { scoreLabel, scoreLevel } from "./reproScore";

describe("repro score display", () => {
  it("labels", () => {
    expect(scoreLabel(83)).toBe("R 83%");
    expect(scoreLabel(null)).toBe("R –");
    expect(scoreLabel(undefined)).toBe("R –");
  });
  it("levels", () => {
    expect(scoreLevel(100)).toBe("good");
    expect(scoreLevel(80)).toBe("good");
    expect(scoreLevel(60)).toBe("fair");
    expect(scoreLevel(20)).toBe("poor");
    expect(scoreLevel(null)).toBe("none");
  });
});
