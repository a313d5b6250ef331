import { describe, expect, it } from "vitest";
import { type ChartTheme, echartsTheme } from "./chartTheme";

const DARK: ChartTheme = {
  name: "dark",
  text: "#e6e8eb",
  muted: "#9aa3ae",
  axis: "#3a414c",
  grid: "#2a2f37",
  panel: "#16191e",
  heat: ["#1c2c48", "#24539e", "#3d7ce0", "#8fb8ff"],
  matrix: ["#1b2433", "#3b74d1"],
  cellLabel: "#c4cbd4",
};

describe("echartsTheme", () => {
  it("draws axes, grid lines, text and tooltips in the theme's colours on a transparent background", () => {
    const theme = echartsTheme(DARK) as Record<string, Record<string, Record<string, Record<string, unknown>>>>;
    expect(theme.backgroundColor).toBe("transparent");
    for (const axis of ["valueAxis", "categoryAxis", "logAxis", "timeAxis"]) {
      expect(theme[axis]?.splitLine?.lineStyle?.color).toEqual([DARK.grid]);
      expect(theme[axis]?.axisLine?.lineStyle?.color).toBe(DARK.axis);
      expect(theme[axis]?.axisLabel?.color).toBe(DARK.muted);
    }
    expect(theme.tooltip?.backgroundColor).toBe(DARK.panel);
    expect(theme.textStyle?.color).toBe(DARK.text);
    expect(theme.color).toBeUndefined(); // series keep ECharts' own colours
  });
});
