// What the user chose in the analysis (metric, direction, axes, brush), and its form in the URL so
// that a link (or a reload) shows the same chart: ?metric=val/loss&better=lower&axes=lr,width&brush={...}
import { joinList, splitList } from "../../../lib/urlList";
import type { Brush, Goal } from "./axes";
import { BRUSH_FILTER_PARAM } from "./brushFilter";

export interface AnalysisChoice {
  metric: string | null; // null: the default metric
  goal: Goal | null; // null: guessed from the metric's name
  axes: string[] | null; // null: the parameters that vary
  brush: Brush;
  brushFilter: string; // the brush as a runs filter expression (see brushFilter.ts); "" none
}

export const NO_CHOICE: AnalysisChoice = { metric: null, goal: null, axes: null, brush: {}, brushFilter: "" };

const GOALS: Record<string, Goal> = { lower: "minimize", higher: "maximize" };

/** A brush from its JSON, or {} when it is anything else (a hand-edited URL must not break the page). */
export function parseBrush(text: string | null): Brush {
  if (!text) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return {};
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return {};
  const brush: Brush = {};
  for (const [key, intervals] of Object.entries(value)) {
    if (!Array.isArray(intervals)) continue;
    const clean = intervals.filter(
      (i): i is [number, number] =>
        Array.isArray(i) && i.length === 2 && i.every((n) => typeof n === "number" && Number.isFinite(n)),
    );
    if (clean.length > 0) brush[key] = clean;
  }
  return brush;
}

export function decodeChoice(params: URLSearchParams): AnalysisChoice {
  return {
    metric: params.get("metric") || null,
    goal: GOALS[params.get("better") ?? ""] ?? null,
    axes: params.has("axes") ? splitList(params.get("axes")) : null,
    brush: parseBrush(params.get("brush")),
    brushFilter: params.get(BRUSH_FILTER_PARAM) ?? "",
  };
}

/** `base` with the analysis parameters replaced by `choice`; defaults are left out. */
export function encodeChoice(choice: AnalysisChoice, base?: URLSearchParams): URLSearchParams {
  const params = new URLSearchParams(base);
  const set = (key: string, value: string | null) => (value === null ? params.delete(key) : params.set(key, value));
  set("metric", choice.metric);
  set("better", choice.goal === null ? null : choice.goal === "minimize" ? "lower" : "higher");
  set("axes", choice.axes === null ? null : joinList(choice.axes));
  set("brush", Object.keys(choice.brush).length > 0 ? JSON.stringify(choice.brush) : null);
  set(BRUSH_FILTER_PARAM, choice.brushFilter || null);
  return params;
}
