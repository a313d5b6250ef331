// One uPlot instance: created when the series' styles change, otherwise updated in place (setData,
// setSize, setScale), so live updates and zooms don't flicker.
import { type JSX, useLayoutEffect, useRef } from "react";
import { createPortal } from "react-dom";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import type { XAxis } from "../../../api/types";
import { type PlotData, plotStructure } from "../lib/plotData";
import { lowerBound } from "../lib/search";
import { formatX } from "../plot/axes";
import type { ExtremePoint } from "../lib/extremes";
import { densityPlugin } from "../plot/densityPlugin";
import { extremesPlugin } from "../plot/extremesPlugin";
import { markersPlugin } from "../plot/markersPlugin";
import { buildOptions, type YRange } from "../plot/options";
import { tooltipPlugin } from "../plot/tooltipPlugin";
import type { Zoom } from "../state/viewState";

export interface LineChartProps {
  plot: PlotData;
  width: number;
  height: number;
  x: XAxis;
  logy: boolean;
  /** a logarithmic x axis (the plot's x must be positive) */
  logx?: boolean;
  /** fixed ends of the y axis */
  yRange?: YRange | null;
  /** rings at each line's min or max */
  extremes?: readonly ExtremePoint[];
  zoom: Zoom | null;
  /** panels with the same key share the cursor */
  syncKey: string;
  /** the app theme; axis colours are read from CSS when it changes */
  theme: string;
  /** the hovered run: its lines keep their colour, the others are dimmed (null: none) */
  emphasis?: string | null;
  /** the density view: cells shaded by how many lines cross them, only the hovered run's lines drawn */
  density?: boolean;
  /** the density view was drawn: the most lines through one cell */
  onDensityDrawn?: (max: number) => void;
  /** the line nearest the cursor changed (its runs), or the mouse left the chart (null) */
  onNearest?: (runIds: readonly string[] | null) => void;
  onZoom: (zoom: Zoom) => void;
  onResetZoom: () => void;
  onXScale: (min: number, max: number) => void;
  onYScale?: (min: number, max: number) => void;
}

/** Shows `zoom` on x, or all the data when there is no zoom. */
function applyZoom(u: uPlot, zoom: Zoom | null): void {
  if (zoom) {
    u.setScale("x", { min: zoom[0], max: zoom[1] });
    return;
  }
  const xs = u.data[0];
  const min = xs[0];
  const max = xs[xs.length - 1];
  if (min === undefined || max === undefined || !(max > min)) return;
  if (u.scales.x?.min !== min || u.scales.x?.max !== max) u.setScale("x", { min, max });
}

/** Opacity of the lines of runs other than the hovered one. */
export const DIMMED_ALPHA = 0.12;

/** Dims every series not drawing `emphasis` (all at full colour when it is null); in the density
 * view, only the series of `emphasis` are drawn. */
function applyEmphasis(u: uPlot, plot: PlotData, emphasis: string | null, density: boolean): void {
  let changed = false;
  plot.series.forEach((spec, i) => {
    const series = u.series[i + 1];
    if (!series) return;
    const runIds = plot.tooltip[spec.line]?.runIds ?? [];
    const mine = emphasis !== null && runIds.includes(emphasis);
    const alpha = density ? (mine ? 1 : 0) : emphasis === null || mine ? 1 : DIMMED_ALPHA;
    if (series.alpha !== alpha) {
      series.alpha = alpha;
      changed = true;
    }
  });
  if (changed) u.redraw(false);
}

/** Points are drawn on a line with at most one point per POINT_SPACING_PX in view. */
const POINT_SPACING_PX = 14;

function sparseInView(u: uPlot, plot: PlotData, seriesIdx: number): boolean {
  const source = plot.tooltip[seriesIdx - plot.firstLine];
  const scale = u.scales.x;
  if (!source || scale?.min === undefined || scale.max === undefined) return false;
  const count = lowerBound(source.x, scale.max + Number.EPSILON) - lowerBound(source.x, scale.min);
  return count > 0 && count * POINT_SPACING_PX <= u.bbox.width / uPlot.pxRatio;
}

function cssColor(style: CSSStyleDeclaration, name: string, fallback: string): string {
  return style.getPropertyValue(name).trim() || fallback;
}

export function LineChart(props: LineChartProps): JSX.Element {
  const hostRef = useRef<HTMLDivElement>(null);
  const tipRef = useRef<HTMLDivElement>(null);
  const chartRef = useRef<uPlot | null>(null);
  const dataRef = useRef<PlotData["data"] | null>(null);
  const latest = useRef(props);
  useLayoutEffect(() => {
    latest.current = props;
  });

  const { plot, width, height, zoom } = props;
  const sized = width > 40 && height > 40;
  const yRangeKey = props.yRange ? `${props.yRange.min ?? ""},${props.yRange.max ?? ""}` : "";
  const structure = `${plotStructure(plot)}|${props.x}|${props.logy}|${props.logx === true}|${yRangeKey}|${props.theme}|${props.syncKey}|${props.density === true}`;
  const zoomKey = zoom ? `${zoom[0]},${zoom[1]}` : "";

  useLayoutEffect(() => {
    const host = hostRef.current;
    const tip = tipRef.current;
    if (!host || !tip || !sized) return;
    const p = latest.current;
    const style = getComputedStyle(host);
    const options = buildOptions({
      plot: p.plot,
      width: p.width,
      height: p.height,
      x: p.x,
      logy: p.logy,
      logx: p.logx,
      yRange: p.yRange,
      colors: {
        text: cssColor(style, "--cc-axis-text", "#6b7280"),
        grid: cssColor(style, "--cc-grid", "rgba(0, 0, 0, 0.07)"),
      },
      syncKey: p.syncKey,
      handlers: {
        onSelect: (min, max) => latest.current.onZoom([min, max]),
        onDoubleClick: () => latest.current.onResetZoom(),
        onXScale: (min, max) => latest.current.onXScale(min, max),
        onYScale: (min, max) => latest.current.onYScale?.(min, max),
        showPoints: (u, seriesIdx) => sparseInView(u, latest.current.plot, seriesIdx),
      },
      plugins: [
        tooltipPlugin({
          element: tip,
          sources: () => latest.current.plot.tooltip,
          formatX: (v) => formatX(latest.current.x, v),
          onNearest: (runIds) => latest.current.onNearest?.(runIds),
        }),
        markersPlugin(() => latest.current.plot.markers),
        extremesPlugin(
          () => latest.current.extremes ?? [],
          cssColor(style, "--cc-panel-bg", "#ffffff"),
        ),
        ...(p.density
          ? [
              densityPlugin({
                plot: () => latest.current.plot,
                color: cssColor(style, "--cc-accent", "#3f6fd8"),
                onDrawn: (max) => latest.current.onDensityDrawn?.(max),
              }),
            ]
          : []),
      ],
    });
    const u = new uPlot(options, p.plot.data as uPlot.AlignedData, host);
    dataRef.current = p.plot.data;
    chartRef.current = u;
    applyZoom(u, p.zoom);
    applyEmphasis(u, p.plot, p.emphasis ?? null, p.density === true);
    return () => {
      chartRef.current = null;
      u.destroy();
    };
  }, [structure, sized]);

  useLayoutEffect(() => {
    const u = chartRef.current;
    if (!u || dataRef.current === plot.data) return;
    dataRef.current = plot.data;
    const current = latest.current.zoom;
    u.batch(() => {
      u.setData(plot.data as uPlot.AlignedData);
      applyZoom(u, current);
    });
  }, [plot.data]);

  useLayoutEffect(() => {
    const u = chartRef.current;
    if (u && sized && (u.width !== width || u.height !== height)) u.setSize({ width, height });
  }, [width, height, sized]);

  useLayoutEffect(() => {
    const u = chartRef.current;
    if (u) applyZoom(u, latest.current.zoom);
  }, [zoomKey]);

  useLayoutEffect(() => {
    chartRef.current?.redraw(false);
  }, [props.extremes]);

  useLayoutEffect(() => {
    const u = chartRef.current;
    if (u) applyEmphasis(u, latest.current.plot, props.emphasis ?? null, latest.current.density === true);
  }, [props.emphasis, plot]);

  return (
    <div className="cc-chart" ref={hostRef}>
      {createPortal(<div className="cc-tooltip" ref={tipRef} data-testid="chart-tooltip" role="tooltip" />, document.body)}
    </div>
  );
}
