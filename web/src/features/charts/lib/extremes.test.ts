import { describe, expect, it } from "vitest";
import type { ChartLine } from "./chartLines";
import { betterDirection, extremePoints } from "./extremes";

function line(id: string, x: number[], y: (number | null)[]): ChartLine {
  return { id, label: id, color: "#123456", dash: null, x, y, band: null, kinds: null, markers: [], runCount: 1, runIds: [id] };
}

describe("extremePoints", () => {
  const lines = [line("a", [0, 1, 2, 3], [3, 1, null, 1]), line("b", [0, 1], [null, null]), line("c", [5, 6], [2, 4])];

  it("finds each line's minimum (the first on ties), skipping gaps and empty lines", () => {
    expect(extremePoints(lines, "min").map((p) => [p.runIds[0], p.x, p.y])).toEqual([
      ["a", 1, 1],
      ["c", 5, 2],
    ]);
  });

  it("finds each line's maximum", () => {
    expect(extremePoints(lines, "max").map((p) => [p.runIds[0], p.x, p.y])).toEqual([
      ["a", 0, 3],
      ["c", 6, 4],
    ]);
  });
});

describe("betterDirection", () => {
  it("knows rising and falling metrics by name", () => {
    expect(betterDirection("val/acc")).toBe("max");
    expect(betterDirection("eval/f1")).toBe("max");
    expect(betterDirection("train/loss")).toBe("min");
    expect(betterDirection("val/error")).toBe("min");
    expect(betterDirection("accumulated_steps")).toBe("min");
  });
});
