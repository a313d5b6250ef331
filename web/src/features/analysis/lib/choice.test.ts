import { describe, expect, it } from "vitest";
import { type AnalysisChoice, NO_CHOICE, decodeChoice, encodeChoice, parseBrush } from "./choice";

describe("analysis choice in the URL", () => {
  const full: AnalysisChoice = {
    metric: "val/loss",
    goal: "minimize",
    axes: ["lr", "model.width", "a,b"],
    brush: { lr: [[1e-4, 1e-2]], "val/loss": [[0, 0.5], [1, 2]] },
    brushFilter: "config.lr >= 0.0001 and config.lr <= 0.01",
  };

  it("round-trips every field and keeps other parameters", () => {
    const params = encodeChoice(full, new URLSearchParams("view=analysis&filter=x"));
    expect(decodeChoice(params)).toEqual(full);
    expect(params.get("view")).toBe("analysis");
    expect(params.get("better")).toBe("lower");
  });

  it("leaves defaults out of the URL", () => {
    expect(encodeChoice(NO_CHOICE).toString()).toBe("");
    expect(decodeChoice(new URLSearchParams())).toEqual(NO_CHOICE);
  });

  it("an empty axes list is a choice (no axes), not the default", () => {
    expect(decodeChoice(encodeChoice({ ...NO_CHOICE, axes: [] })).axes).toEqual([]);
  });

  it("a malformed brush or direction is ignored, keeping the good parts", () => {
    expect(parseBrush("{not json")).toEqual({});
    expect(parseBrush("[1,2]")).toEqual({});
    expect(parseBrush('{"lr": [[1, 2], [3], ["a", 1], [null, 2]], "x": 5}')).toEqual({ lr: [[1, 2]] });
    expect(decodeChoice(new URLSearchParams("better=sideways")).goal).toBeNull();
  });
});
