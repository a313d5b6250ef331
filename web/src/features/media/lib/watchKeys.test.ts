import { describe, expect, it } from "vitest";
import { normsOfHistograms } from "./watchKeys";

describe("normsOfHistograms", () => {
  it("names the norm of each histogram key only", () => {
    const keys = [
      { key: "gradients/fc1", kind: "histogram" as const, count: 3, runs: ["a"] },
      { key: "samples", kind: "image" as const, count: 3, runs: ["a"] },
    ];
    expect([...normsOfHistograms(keys)]).toEqual(["gradients/fc1/norm"]);
  });
});
