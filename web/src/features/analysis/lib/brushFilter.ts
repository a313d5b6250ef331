// The brush as a runs filter expression (the store's filter language), so the runs table, its count
// and the charts that follow it show only the brushed runs: numeric axes become ranges, category
// axes a list of their values. It lives in the URL as ?brushed=… next to the drawn ?brush=….
import type { JsonValue } from "../../../api/types";
import { type AnalysisRun, type AxisSpec, type Brush, categoryLabel } from "./axes";

/** The URL parameter that holds the brush's filter expression. */
export const BRUSH_FILTER_PARAM = "brushed";

const PLAIN_NAME = /^[A-Za-z_][A-Za-z0-9_/]*$/;

/** A string literal of the filter language: JSON's escapes, but \b and \f as \u escapes (the
 * language keeps an unknown escape as written, so that "\d+" stays a regex). */
function quote(text: string): string {
  return JSON.stringify(text).replace(/\\(\\|[bf])/g, (escape, c: string) =>
    c === "b" ? "\\u0008" : c === "f" ? "\\u000c" : escape,
  );
}

/** The filter field of an axis: config keys arrive flattened with "." (a path), summary keys whole. */
export function axisField(axis: AxisSpec): string {
  if (axis.source === "summary") return PLAIN_NAME.test(axis.key) ? `summary.${axis.key}` : `summary[${quote(axis.key)}]`;
  return (
    "config" +
    axis.key
      .split(".")
      .map((part) => (PLAIN_NAME.test(part) ? `.${part}` : `[${quote(part)}]`))
      .join("")
  );
}

function literal(value: JsonValue): string | null {
  if (typeof value === "string") return quote(value);
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return null;
}

function either(parts: readonly string[]): string {
  return parts.length === 1 ? parts[0]! : `(${parts.join(" or ")})`;
}

/** One axis's condition: ranges on a numeric axis; on a category axis, its values within the ranges. */
function axisCondition(axis: AxisSpec, intervals: ReadonlyArray<[number, number]>, runs: readonly AnalysisRun[]): string | null {
  const field = axisField(axis);
  if (axis.kind !== "category") return either(intervals.map(([lo, hi]) => `${field} >= ${lo} and ${field} <= ${hi}`).map((c) => (intervals.length > 1 ? `(${c})` : c)));
  // Category i is brushed when i lies within ±0.5 of a range (as brushedRuns decides).
  const picked = new Set(
    axis.categories.filter((_, i) => intervals.some(([lo, hi]) => i >= lo - 0.5 && i <= hi + 0.5)),
  );
  const values = new Map<string, string>();
  let missing = false;
  for (const run of runs) {
    const value = axis.source === "config" ? run.config[axis.key] : run.summary[axis.key];
    if (!picked.has(categoryLabel(value))) continue;
    if (value === undefined || value === null) missing = true;
    else {
      const text = literal(value);
      if (text !== null) values.set(text, text);
    }
  }
  const parts: string[] = [];
  if (values.size > 0) parts.push(`${field} in [${[...values.keys()].sort().join(", ")}]`);
  if (missing) parts.push(`${field} is null`);
  return parts.length > 0 ? either(parts) : `${field} in []`;
}

/**
 * The filter that keeps the brushed runs: every brushed axis's condition joined with "and"; "" when
 * nothing is brushed. `runs` are the drawn runs (a category's values are read from them).
 */
export function brushFilter(brush: Brush, axes: readonly AxisSpec[], runs: readonly AnalysisRun[]): string {
  const parts: string[] = [];
  for (const axis of axes) {
    const intervals = brush[axis.key];
    if (!intervals || intervals.length === 0) continue;
    const condition = axisCondition(axis, intervals, runs);
    if (condition) parts.push(condition);
  }
  return parts.join(" and ");
}

/** Two filters that must both hold ("" is no filter). */
export function bothFilters(a: string, b: string): string {
  const x = a.trim();
  const y = b.trim();
  if (!x || !y) return x || y;
  return `(${x}) and (${y})`;
}
