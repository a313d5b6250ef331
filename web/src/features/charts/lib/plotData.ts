// A panel's lines → uPlot's aligned data, series styles, bands, non-finite markers and tooltip sources.
import type { ChartLine, NonfiniteKind, NonfiniteMarker } from "./chartLines";
import { alignX, spreadColumns } from "./align";
import { withAlpha } from "./color";
import { smoothEma } from "./smoothing";

export type SeriesRole = "band" | "raw" | "line";

export interface PlotSeriesSpec {
  label: string;
  stroke: string;
  width: number;
  dash: number[] | null;
  role: SeriesRole;
  /** the line (index into `tooltip`) this series draws or belongs to */
  line: number;
}

export interface PlotBand {
  /** uPlot series indices (1-based: 0 is x) of the band's upper and lower edges */
  upper: number;
  lower: number;
  fill: string;
}

export interface TooltipSource {
  label: string;
  color: string;
  x: readonly number[];
  /** the values drawn (smoothed when smoothing is on) */
  y: readonly (number | null)[];
  /** the values logged, to show where the drawn value is missing (log scale) */
  raw: readonly (number | null)[];
  kinds: ReadonlyMap<number, NonfiniteKind> | null;
  runCount: number;
  runIds: readonly string[];
}

export interface PlotData {
  /** [x, ...one array per series] */
  data: (number | null | undefined)[][];
  series: PlotSeriesSpec[];
  bands: PlotBand[];
  markers: NonfiniteMarker[];
  /** one per line, in line order; line i is uPlot series `firstLine + i` */
  tooltip: TooltipSource[];
  firstLine: number;
}

export interface PlotOptions {
  smoothing: number;
  logy: boolean;
  /** most x columns to align on (see alignX) */
  maxColumns: number;
}

export const RAW_ALPHA = 0.25;
export const BAND_ALPHA = 0.16;

/** Values a log axis can show: zero and negatives become gaps rather than -Infinity. */
function positiveOnly(ys: readonly (number | null)[]): (number | null)[] {
  return ys.map((y) => (y !== null && y > 0 ? y : null));
}

function lineWidth(lineCount: number): number {
  if (lineCount <= 12) return 1.75;
  if (lineCount <= 100) return 1.5;
  return 1.1;
}

/**
 * Series are ordered bands first, then the faint raw lines, then the lines, so bold lines draw on
 * top. With smoothing the line is the EMA and the raw values stay behind it at RAW_ALPHA; for a group
 * the band's edges are smoothed as well, so the band hugs the smoothed mean.
 */
export function buildPlotData(lines: readonly ChartLine[], options: PlotOptions): PlotData {
  const { smoothing, logy } = options;
  const smooth = smoothing > 0;
  const prepared = lines.map((line) => {
    const raw = logy ? positiveOnly(line.y) : line.y;
    const band = line.band && {
      min: logy ? positiveOnly(line.band.min) : line.band.min,
      max: logy ? positiveOnly(line.band.max) : line.band.max,
    };
    return {
      line,
      raw,
      shown: smooth ? smoothEma(raw, smoothing) : raw,
      band: band && (smooth ? { min: smoothEma(band.min, smoothing), max: smoothEma(band.max, smoothing) } : band),
    };
  });
  const { x, columns } = alignX(
    lines.map((l) => l.x),
    options.maxColumns,
  );
  const width = x.length;
  const data: (number | null | undefined)[][] = [x];
  const series: PlotSeriesSpec[] = [];
  const bands: PlotBand[] = [];
  const strokeWidth = lineWidth(lines.length);

  prepared.forEach((p, i) => {
    if (!p.band) return;
    const col = columns[i] as Int32Array;
    data.push(spreadColumns(col, p.band.max, width), spreadColumns(col, p.band.min, width));
    series.push(
      { label: `${p.line.label} max`, stroke: p.line.color, width: 0, dash: null, role: "band", line: i },
      { label: `${p.line.label} min`, stroke: p.line.color, width: 0, dash: null, role: "band", line: i },
    );
    bands.push({ upper: data.length - 2, lower: data.length - 1, fill: withAlpha(p.line.color, BAND_ALPHA) });
  });
  if (smooth) {
    prepared.forEach((p, i) => {
      data.push(spreadColumns(columns[i] as Int32Array, p.raw, width));
      series.push({
        label: `${p.line.label} (raw)`,
        stroke: withAlpha(p.line.color, RAW_ALPHA),
        width: 1,
        dash: p.line.dash,
        role: "raw",
        line: i,
      });
    });
  }
  const firstLine = data.length;
  prepared.forEach((p, i) => {
    data.push(spreadColumns(columns[i] as Int32Array, p.shown, width));
    series.push({
      label: p.line.label,
      stroke: p.line.color,
      width: strokeWidth,
      dash: p.line.dash,
      role: "line",
      line: i,
    });
  });

  return {
    data,
    series,
    bands,
    markers: lines.flatMap((l) => l.markers),
    firstLine,
    tooltip: prepared.map((p) => ({
      label: p.line.label,
      color: p.line.color,
      x: p.line.x,
      y: p.shown,
      raw: p.line.y,
      kinds: p.line.kinds,
      runCount: p.line.runCount,
      runIds: p.line.runIds,
    })),
  };
}

/** A signature of everything that needs a new uPlot instance when it changes (not the data). */
export function plotStructure(plot: PlotData): string {
  return JSON.stringify([plot.series, plot.bands]);
}

/** Columns to align on: a few per pixel, fewer with many series so memory stays bounded. */
export function columnBudget(seriesCount: number, plotWidth: number): number {
  const CELLS = 2_000_000;
  return Math.max(Math.ceil(plotWidth * 2), Math.floor(CELLS / Math.max(1, seriesCount)));
}
