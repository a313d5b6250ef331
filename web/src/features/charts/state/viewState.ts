// Chart settings that live in the URL (so a link shows what you saw): smooth, x, logy, zoom, and
// the panel search.
import type { XAxis } from "../../../api/types";
import { MAX_SMOOTHING } from "../lib/smoothing";
import type { SavedSettings } from "./layout";

export type Zoom = readonly [min: number, max: number];

export interface ChartView {
  smoothing: number;
  x: XAxis;
  logy: boolean;
  zoom: Zoom | null;
  /** the panel search: only panels with a key matching it show ("" shows every panel) */
  search: string;
}

export const PARAM = { smooth: "smooth", x: "x", logy: "logy", zoom: "zoom", search: "panels" } as const;

export const DEFAULT_X: XAxis = "_step";

/** The x axes every run has: its step, the time since it started, the wall clock. */
export const BUILT_IN_X: readonly XAxis[] = ["_step", "_runtime", "_timestamp"];

/** The x axis to draw: the URL's, unless the runs' metric keys are known and it is none of them
 * (a stale or mistyped link); then the step, with the key that was asked for to say so. */
export function resolveX(x: XAxis, metricKeys: readonly string[] | null): { x: XAxis; unknown: string | null } {
  if (metricKeys === null || BUILT_IN_X.includes(x) || metricKeys.includes(x)) return { x, unknown: null };
  return { x: DEFAULT_X, unknown: x };
}

export function clampSmoothing(value: number): number {
  if (!Number.isFinite(value)) return 0;
  return Math.round(Math.min(Math.max(value, 0), MAX_SMOOTHING) * 100) / 100;
}

export function parseZoom(text: string | null): Zoom | null {
  if (!text) return null;
  const parts = text.split(",");
  if (parts.length !== 2) return null;
  const [min, max] = parts.map(Number) as [number, number];
  if (!Number.isFinite(min) || !Number.isFinite(max) || !(max > min)) return null;
  return [min, max];
}

/** "min,max", rounded to 1/100,000 of the range: exact enough to redraw the same view, short to share. */
export function formatZoom(zoom: Zoom): string {
  const step = (zoom[1] - zoom[0]) / 1e5;
  const decimals = step > 0 ? Math.min(12, Math.max(0, -Math.floor(Math.log10(step)))) : 6;
  return `${Number(zoom[0].toFixed(decimals))},${Number(zoom[1].toFixed(decimals))}`;
}

function parseBool(text: string | null): boolean | null {
  if (text === null) return null;
  return text === "1" || text === "true";
}

/** The view from the URL, falling back to the workspace's saved settings, then to defaults. */
export function parseView(params: URLSearchParams, saved: SavedSettings): ChartView {
  const smoothText = params.get(PARAM.smooth);
  const smoothing = smoothText !== null && smoothText !== "" ? Number(smoothText) : (saved.smooth ?? 0);
  return {
    smoothing: clampSmoothing(smoothing),
    x: params.get(PARAM.x) || saved.x || DEFAULT_X,
    logy: parseBool(params.get(PARAM.logy)) ?? saved.logy ?? false,
    zoom: parseZoom(params.get(PARAM.zoom)),
    search: params.get(PARAM.search) ?? "",
  };
}

/** A copy of `params` with `patch` written in; other parameters (the runs table's) are kept. */
export function writeView(params: URLSearchParams, patch: Partial<ChartView>): URLSearchParams {
  const next = new URLSearchParams(params);
  if (patch.smoothing !== undefined) next.set(PARAM.smooth, String(clampSmoothing(patch.smoothing)));
  if (patch.x !== undefined) next.set(PARAM.x, patch.x);
  if (patch.logy !== undefined) next.set(PARAM.logy, patch.logy ? "1" : "0");
  if (patch.zoom !== undefined) {
    if (patch.zoom) next.set(PARAM.zoom, formatZoom(patch.zoom));
    else next.delete(PARAM.zoom);
  }
  if (patch.search !== undefined) {
    if (patch.search) next.set(PARAM.search, patch.search);
    else next.delete(PARAM.search);
  }
  return next;
}
