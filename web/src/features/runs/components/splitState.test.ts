import { describe, expect, it } from "vitest";
import { clampSplit, keyStep, readSplit, SPLIT_MAX, SPLIT_MIN } from "./splitState";

describe("split state", () => {
  it("reads a stored split and ignores junk", () => {
    expect(readSplit("55.5", 45)).toBe(55.5);
    expect(readSplit(null, 45)).toBe(45);
    expect(readSplit("", 45)).toBe(45);
    expect(readSplit("abc", 45)).toBe(45);
    expect(readSplit("99", 45)).toBe(45);
  });
  it("clamps", () => {
    expect(clampSplit(3)).toBe(SPLIT_MIN);
    expect(clampSplit(120)).toBe(SPLIT_MAX);
  });
  it("moves with the arrow keys, further with Shift, to the ends with Home and End", () => {
    expect(keyStep("ArrowRight", false, 40)).toBe(42);
    expect(keyStep("ArrowLeft", true, 40)).toBe(30);
    expect(keyStep("Home", false, 40)).toBe(SPLIT_MIN);
    expect(keyStep("End", false, 40)).toBe(SPLIT_MAX);
    expect(keyStep("ArrowLeft", false, SPLIT_MIN)).toBe(SPLIT_MIN);
    expect(keyStep("a", false, 40)).toBeNull();
  });
});
