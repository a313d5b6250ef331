import { describe, expect, it } from "vitest";
import type { TooltipSource } from "./plotData";
import { tooltipRows, tooltipWindow } from "./tooltipRows";

function source(label: string, x: number[], y: (number | null)[], extra: Partial<TooltipSource> = {}): TooltipSource {
  return { label, color: "#000", x, y, raw: y, kinds: null, runCount: 1, runIds: [label], ...extra };
}

describe("tooltipRows", () => {
  it("lists each line's nearest value, highest first, with four significant digits", () => {
    const rows = tooltipRows(
      [source("low", [0, 10, 20], [0.1, 0.123456, 0.3]), source("high", [0, 10, 20], [2, 1.23456, 1])],
      11,
      1,
    );
    expect(rows.map((r) => [r.label, r.text])).toEqual([
      ["high", "1.235"],
      ["low", "0.1235"],
    ]);
    expect(rows[0]?.x).toBe(10);
  });

  it("leaves out lines that end before the cursor", () => {
    const rows = tooltipRows([source("short", [0, 1], [1, 1]), source("long", [0, 100], [1, 1])], 50, 2);
    expect(rows.map((r) => r.label)).toEqual(["long"]);
  });

  it("names non-finite values and puts them last", () => {
    const rows = tooltipRows(
      [
        source("nan", [0, 1], [1, null], { kinds: new Map([[1, "nan"]]) }),
        source("ok", [0, 1], [1, 5]),
        source("neg", [0, 1], [1, null], { raw: [1, -2] }),
      ],
      1,
      0,
    );
    expect(rows.map((r) => [r.label, r.text])).toEqual([
      ["ok", "5"],
      ["nan", "NaN"],
      ["neg", "-2"],
    ]);
  });
});

describe("tooltipWindow", () => {
  it("lists everything when it fits", () => {
    expect(tooltipWindow(5, 2, 14)).toEqual([0, 5]);
  });

  it("centres the window on the row nearest the cursor, within bounds", () => {
    expect(tooltipWindow(50, 25, 14)).toEqual([18, 32]);
    expect(tooltipWindow(50, 2, 14)).toEqual([0, 14]);
    expect(tooltipWindow(50, 49, 14)).toEqual([36, 50]);
    expect(tooltipWindow(50, -1, 14)).toEqual([0, 14]);
  });
});
