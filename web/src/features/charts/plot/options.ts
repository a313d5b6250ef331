// uPlot options for a panel: series styles, bands, axes, drag-to-zoom, cursor sync, plugins.
import type uPlot from "uplot";
import type { XAxis } from "../../../api/types";
import type { PlotData } from "../lib/plotData";
import { type AxisColors, isTimeAxis, xAxis, yAxis } from "./axes";

export interface ChartHandlers {
  /** a drag selected x from min to max */
  onSelect: (min: number, max: number) => void;
  onDoubleClick: () => void;
  /** the x scale changed (zoom, new data) */
  onXScale: (min: number, max: number) => void;
  /** the y scale changed */
  onYScale?: (min: number, max: number) => void;
  /** whether a line is sparse enough in view to draw its points */
  showPoints: (u: uPlot, seriesIdx: number) => boolean;
}

export interface OptionsInput {
  plot: PlotData;
  width: number;
  height: number;
  x: XAxis;
  logy: boolean;
  /** a logarithmic x axis (not for time axes) */
  logx?: boolean;
  /** fixed ends of the y axis; an absent end follows the data */
  yRange?: YRange | null;
  colors: AxisColors;
  syncKey: string;
  handlers: ChartHandlers;
  plugins: uPlot.Plugin[];
}

export interface YRange {
  min?: number;
  max?: number;
}

/** The y scale: log or linear, with the panel's fixed ends (the other end follows the data). */
function yScale(logy: boolean, range: YRange | null | undefined): uPlot.Scale {
  const scale: uPlot.Scale = logy ? { distr: 3, log: 10 } : {};
  if (!range || (range.min === undefined && range.max === undefined)) return scale;
  return {
    ...scale,
    range: (_u, dataMin, dataMax) => {
      const lo = range.min ?? (dataMin === null || dataMin === undefined ? 0 : dataMin);
      const hi = range.max ?? (dataMax === null || dataMax === undefined ? lo + 1 : dataMax);
      return hi > lo ? [lo, hi] : [lo, lo + Math.abs(lo || 1)];
    },
  };
}

/** Drags shorter than this are clicks, not zooms. */
const MIN_DRAG_PX = 4;

function seriesOptions(plot: PlotData, handlers: ChartHandlers): uPlot.Series[] {
  return plot.series.map((s) => ({
    label: s.label,
    stroke: s.stroke,
    width: s.width,
    dash: s.dash ?? undefined,
    spanGaps: false,
    points:
      s.role === "line"
        ? { size: 5, width: 1, fill: s.stroke, stroke: s.stroke, show: handlers.showPoints }
        : { show: false },
  }));
}

export function buildOptions(input: OptionsInput): uPlot.Options {
  const { plot, handlers } = input;
  // Cursor sync mirrors a drag onto every panel; only the panel the drag started on zooms.
  let dragStartedHere = false;
  let stopWatching = () => undefined as void;
  return {
    width: input.width,
    height: input.height,
    // Room on the right for half of the last x tick label ("1.25M", "14:05:30").
    padding: [10, isTimeAxis(input.x) ? 26 : 18, 0, 0],
    legend: { show: false },
    series: [{ label: "x" }, ...seriesOptions(plot, handlers)],
    bands: plot.bands.map((b) => ({ series: [b.upper, b.lower], fill: b.fill })),
    scales: {
      x: input.logx && !isTimeAxis(input.x) ? { time: false, distr: 3, log: 10 } : { time: isTimeAxis(input.x) },
      y: yScale(input.logy, input.yRange),
    },
    axes: [xAxis(input.x, input.colors, input.logx === true && !isTimeAxis(input.x)), yAxis(input.logy, input.colors)],
    cursor: {
      x: true,
      y: false,
      points: { show: false },
      // The tooltip reads values itself; skip uPlot's per-series scan for the nearest defined point.
      dataIdx: (_self, _seriesIdx, closestIdx) => closestIdx,
      drag: { x: true, y: false, setScale: false, dist: MIN_DRAG_PX },
      sync: { key: input.syncKey, setSeries: false, scales: ["x", null] },
      bind: {
        dblclick: () => () => {
          handlers.onDoubleClick();
          return null;
        },
      },
    },
    hooks: {
      init: [
        (u) => {
          const onDown = (e: MouseEvent) => {
            dragStartedHere = e.target instanceof Node && u.over.contains(e.target);
          };
          document.addEventListener("mousedown", onDown, true);
          stopWatching = () => document.removeEventListener("mousedown", onDown, true);
        },
      ],
      destroy: [() => stopWatching()],
      setSelect: [
        (u) => {
          const { left, width } = u.select;
          const mine = dragStartedHere;
          dragStartedHere = false;
          u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
          if (!mine || width < MIN_DRAG_PX) return;
          const min = u.posToVal(left, "x");
          const max = u.posToVal(left + width, "x");
          if (Number.isFinite(min) && Number.isFinite(max) && max > min) handlers.onSelect(min, max);
        },
      ],
      setScale: [
        (u, key) => {
          const scale = u.scales[key];
          if (key === "x" && scale?.min !== undefined && scale.max !== undefined) {
            handlers.onXScale(scale.min, scale.max);
          }
          if (key === "y" && scale?.min != null && scale.max != null) handlers.onYScale?.(scale.min, scale.max);
        },
      ],
    },
    plugins: input.plugins,
  };
}
