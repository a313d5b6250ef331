// Axes: compact tick labels, sized to their widest label so nothing is cut off.
import type uPlot from "uplot";
import type { XAxis } from "../../../api/types";
import {
  DURATION_INCRS,
  formatCompact,
  formatDuration,
  formatDurationTick,
  formatTick,
  formatValue,
  formatWallTick,
  formatWallTime,
} from "../lib/format";

export const AXIS_FONT_SIZE = 11;
export const AXIS_FONT = `${AXIS_FONT_SIZE}px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif`;

export interface AxisColors {
  text: string;
  grid: string;
}

let measureContext: CanvasRenderingContext2D | null = null;

/** Width of `text` in the axis font, in CSS pixels (a canvas of its own: uPlot caches its ctx font). */
export function textWidth(text: string): number {
  measureContext ??= document.createElement("canvas").getContext("2d");
  if (!measureContext) return text.length * AXIS_FONT_SIZE * 0.6;
  measureContext.font = AXIS_FONT;
  return measureContext.measureText(text).width;
}

const GAP = 6;

/** A y axis as wide as its widest tick label. */
function yAxisSize(self: uPlot, values: string[] | null): number {
  void self;
  let widest = 0;
  for (const v of values ?? []) widest = Math.max(widest, textWidth(v));
  return Math.ceil(Math.max(widest, 12) + GAP * 2);
}

export function isTimeAxis(x: XAxis): boolean {
  return x === "_timestamp";
}

export function xAxisLabel(x: XAxis): string {
  if (x === "_step") return "Step";
  if (x === "_runtime") return "Relative time";
  if (x === "_timestamp") return "Wall time";
  return x;
}

/** The x of a tooltip's header: "Step 1,200", "12m 03s", a date, or "key 0.5". */
export function formatX(x: XAxis, value: number): string {
  if (x === "_step") return `Step ${Math.round(value).toLocaleString("en-US")}`;
  if (x === "_runtime") return formatDuration(value);
  if (x === "_timestamp") return formatWallTime(value);
  return `${x} ${formatValue(value)}`;
}

function tickValues(format: (value: number, incr: number, span: number) => string): uPlot.Axis.DynamicValues {
  return (self, splits, axisIdx, _space, incr) => {
    const scale = self.scales[self.axes[axisIdx]?.scale ?? "x"];
    const span = Math.abs((scale?.max ?? 0) - (scale?.min ?? 0));
    return splits.map((v) => (v === null || v === undefined ? "" : format(v, incr, span)));
  };
}

export function xAxis(x: XAxis, colors: AxisColors, logx = false): uPlot.Axis {
  const base: uPlot.Axis = {
    stroke: colors.text,
    font: AXIS_FONT,
    gap: 4,
    size: 26,
    grid: { stroke: colors.grid, width: 1 },
    ticks: { show: false },
    space: 60,
  };
  // One line per tick (uPlot's default time ticks stack the date below, and it gets cut off).
  if (isTimeAxis(x)) return { ...base, space: 70, values: tickValues((v, incr) => formatWallTick(v, incr)) };
  if (logx) {
    return {
      ...base,
      grid: { stroke: colors.grid, width: 1, filter: decadesOnly },
      values: (_self, splits) => splits.map((v) => (v === null || v === undefined ? "" : formatCompact(v, 2))),
    };
  }
  if (x === "_runtime") return { ...base, incrs: [...DURATION_INCRS], values: tickValues(formatDurationTick) };
  return { ...base, values: tickValues((v, incr) => formatTick(v, incr)) };
}

/** On a log axis, grid lines at powers of ten only (1, 10, 100), not at every 2…9 in between. */
function decadesOnly(_self: uPlot, splits: number[]): (number | null)[] {
  return splits.map((v) => {
    const exp = Math.log10(Math.abs(v));
    return Math.abs(exp - Math.round(exp)) < 1e-9 ? v : null;
  });
}

export function yAxis(logy: boolean, colors: AxisColors): uPlot.Axis {
  return {
    stroke: colors.text,
    font: AXIS_FONT,
    gap: GAP,
    size: yAxisSize,
    grid: logy ? { stroke: colors.grid, width: 1, filter: decadesOnly } : { stroke: colors.grid, width: 1 },
    ticks: { show: false },
    space: 28,
    values: logy
      ? (_self, splits) => splits.map((v) => (v === null || v === undefined ? "" : formatCompact(v, 2)))
      : tickValues((v, incr) => formatTick(v, incr)),
  };
}
