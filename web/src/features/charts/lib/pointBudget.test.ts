import { describe, expect, it } from "vitest";
import { CHART_POINTS_PER_PIXEL, MAX_POINTS, MIN_POINTS, pointsPerSeries } from "./pointBudget";

describe("pointsPerSeries", () => {
  it("gives a chart of few lines two points per pixel, rounded up to 250", () => {
    expect(pointsPerSeries(600, 1)).toBe(1250);
    expect(pointsPerSeries(600, 10)).toBe(1250);
  });

  it("spreads the chart's budget over its lines once they are many", () => {
    const width = 500;
    const perLine = pointsPerSeries(width, 1000);
    expect(perLine).toBe(32);
    // The chart's total stays within its pixel budget whatever the line count.
    for (const lines of [50, 100, 300, 1000, 2000]) {
      expect(pointsPerSeries(width, lines) * lines).toBeLessThanOrEqual(width * CHART_POINTS_PER_PIXEL);
    }
  });

  it("gives fewer points per line as lines grow, never fewer than the floor", () => {
    const counts = [1, 10, 100, 1000, 10_000];
    const points = counts.map((n) => pointsPerSeries(800, n));
    for (let i = 1; i < points.length; i += 1) expect(points[i]).toBeLessThanOrEqual(points[i - 1] as number);
    expect(points.at(-1)).toBe(MIN_POINTS);
  });

  it("stays within the server's limit on a very wide chart", () => {
    expect(pointsPerSeries(20_000, 1)).toBe(MAX_POINTS);
  });

  it("treats an unmeasured (0 px) chart as 100 px wide", () => {
    expect(pointsPerSeries(0, 1)).toBe(250);
  });
});
