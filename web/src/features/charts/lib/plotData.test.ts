import { describe, expect, it } from "vitest";
import type { ChartLine } from "./chartLines";
import { buildPlotData, plotStructure } from "./plotData";

function line(id: string, x: number[], y: (number | null)[], extra: Partial<ChartLine> = {}): ChartLine {
  return { id, label: id, color: "#4e79a7", dash: null, x, y, band: null, kinds: null, markers: [], runCount: 1, runIds: [id], ...extra };
}

describe("buildPlotData", () => {
  it("aligns lines on a shared x with undefined where a line has no point", () => {
    const plot = buildPlotData([line("a", [0, 2], [1, 3]), line("b", [1, 2], [5, null])], {
      smoothing: 0,
      logy: false,
      maxColumns: 1000,
    });
    expect(plot.data[0]).toEqual([0, 1, 2]);
    expect(plot.data[1]).toEqual([1, undefined, 3]);
    expect(plot.data[2]).toEqual([undefined, 5, null]);
    expect(plot.series.map((s) => s.role)).toEqual(["line", "line"]);
  });

  it("adds faint raw lines under the smoothed ones", () => {
    const plot = buildPlotData([line("a", [0, 1, 2], [0, 10, 0])], { smoothing: 0.5, logy: false, maxColumns: 1000 });
    expect(plot.series.map((s) => s.role)).toEqual(["raw", "line"]);
    expect(plot.series[0]?.stroke).toBe("rgba(78, 121, 167, 0.25)");
    expect(plot.data[1]).toEqual([0, 10, 0]);
    expect(plot.data[2]?.[1]).toBeCloseTo((0.5 * 10) / 0.75, 9);
    expect(plot.tooltip[0]?.y).toEqual(plot.data[2]);
  });

  it("puts a group's band first, as a uPlot band between its max and min", () => {
    const g = line("g", [0, 1], [2, 3], { band: { min: [1, 2], max: [3, 4] }, runCount: 2 });
    const plot = buildPlotData([g], { smoothing: 0, logy: false, maxColumns: 1000 });
    expect(plot.series.map((s) => s.role)).toEqual(["band", "band", "line"]);
    expect(plot.bands).toEqual([{ upper: 1, lower: 2, fill: "rgba(78, 121, 167, 0.16)" }]);
    expect(plot.data[1]).toEqual([3, 4]);
    expect(plot.data[2]).toEqual([1, 2]);
  });

  it("turns values a log axis cannot show into gaps, and keeps markers", () => {
    const plot = buildPlotData(
      [line("a", [0, 1, 2], [1, 0, -1], { markers: [{ x: 2, kind: "nan" }] })],
      { smoothing: 0, logy: true, maxColumns: 1000 },
    );
    expect(plot.data[1]).toEqual([1, null, null]);
    expect(plot.markers).toEqual([{ x: 2, kind: "nan" }]);
  });

  it("changes structure only when styles change, not when data does", () => {
    const a = buildPlotData([line("a", [0, 1], [1, 2])], { smoothing: 0, logy: false, maxColumns: 1000 });
    const b = buildPlotData([line("a", [0, 1, 2], [5, 6, 7])], { smoothing: 0, logy: false, maxColumns: 1000 });
    const c = buildPlotData([line("a", [0, 1], [1, 2])], { smoothing: 0.3, logy: false, maxColumns: 1000 });
    expect(plotStructure(a)).toBe(plotStructure(b));
    expect(plotStructure(a)).not.toBe(plotStructure(c));
  });
});
