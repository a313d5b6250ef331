import { describe, expect, it } from "vitest";
import type { ChartLine } from "./chartLines";
import { betterDirection, directionByName, extremePoints, summaryDirection } from "./extremes";

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

describe("directions", () => {
  it("knows rising and falling metrics by name", () => {
    expect(directionByName("val/acc")).toBe("max");
    expect(directionByName("eval/f1")).toBe("max");
    expect(directionByName("train/loss")).toBe("min");
    expect(directionByName("val/error")).toBe("min");
    expect(directionByName("accumulated_steps")).toBe("min");
  });

  it("reads the direction from summaries that keep an extreme rather than the last value", () => {
    const runs = [line("a", [0, 1, 2], [1, 5, 3]), line("b", [0, 1, 2], [4, 2, 3])];
    const summaries: Record<string, number> = { a: 5, b: 4 };
    expect(summaryDirection(runs, (id) => summaries[id] ?? null)).toBe("max");
    // a "loss" whose runs keep their maximum is marked at the maximum
    expect(betterDirection("train/loss", runs, (id) => summaries[id] ?? null)).toBe("max");
    // summaries that are the last value tell nothing: the name decides
    expect(summaryDirection(runs, () => 3)).toBeNull();
    expect(betterDirection("train/loss", runs, () => 3)).toBe("min");
  });
});
