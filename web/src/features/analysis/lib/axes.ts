// The axes of a parallel coordinates chart: which parameters vary, numeric or category, linear or log.
import type { JsonValue } from "../../../api/types";

/** What the analysis needs of a run; RunRow (config flattened with ".") fits as is. */
export interface AnalysisRun {
  id: string;
  name: string;
  state?: string;
  config: Record<string, JsonValue>;
  summary: Record<string, JsonValue>;
}

export type Goal = "minimize" | "maximize";

/** Brushed ranges per axis key; category axes use category indices. */
export type Brush = Record<string, Array<[number, number]>>;

export type AxisKind = "value" | "log" | "category";

export interface AxisSpec {
  key: string;
  /** "config" for a parameter, "summary" for the metric (always the last axis) */
  source: "config" | "summary";
  kind: AxisKind;
  /** the category names in axis order (category axes only) */
  categories: string[];
}

/** Above this ratio of largest to smallest positive value (two decades) a numeric axis is logarithmic. */
export const LOG_SPAN = 100;

const NONFINITE = new Set(["NaN", "Infinity", "-Infinity"]);

function isNumber(value: JsonValue | undefined): value is number {
  return typeof value === "number" && Number.isFinite(value);
}

function isScalar(value: JsonValue | undefined): value is string | number | boolean {
  return typeof value === "string" || typeof value === "boolean" || isNumber(value);
}

/** The label a category value shows on its axis. */
export function categoryLabel(value: JsonValue | undefined): string {
  if (value === undefined || value === null) return "(none)";
  return typeof value === "string" ? value : JSON.stringify(value);
}

/**
 * True when positive values span more than two decades and a linear axis would squeeze at least
 * half of them into its bottom tenth (a learning rate from 1e-5 to 1e-1): a log axis spreads them.
 * Values spread evenly over [0.001, 1] stay linear: they read better that way.
 */
export function wantsLogScale(values: readonly number[]): boolean {
  if (values.length < 2 || values.some((v) => v <= 0)) return false;
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  if (hi / lo <= LOG_SPAN) return false;
  const crowded = values.filter((v) => v <= lo + (hi - lo) / 10).length;
  return crowded * 2 >= values.length;
}

/**
 * Config keys with at least two distinct values across the runs (a missing value counts as one, as
 * the server's importance does), leaving out keys that never hold a scalar; in natural order.
 */
export function varyingParams(runs: readonly AnalysisRun[]): string[] {
  return configKeys(runs).filter(
    (key) => new Set(runs.map((run) => JSON.stringify(run.config[key] ?? null))).size > 1,
  );
}

/** All scalar config keys of the runs (for the axis picker). */
export function configKeys(runs: readonly AnalysisRun[]): string[] {
  const keys = new Set<string>();
  for (const run of runs) for (const [key, value] of Object.entries(run.config)) if (isScalar(value)) keys.add(key);
  return [...keys].sort();
}

/** Summary keys holding a finite number in at least one run, leaving out internal "_" keys. */
export function numericMetrics(runs: readonly AnalysisRun[]): string[] {
  const keys = new Set<string>();
  for (const run of runs) {
    for (const [key, value] of Object.entries(run.summary)) if (!key.startsWith("_") && isNumber(value)) keys.add(key);
  }
  return [...keys].sort();
}

/**
 * The metric to show first: a validation or test loss/accuracy if there is one, else any key that
 * names a loss, accuracy, error or score, else the first key that is not a counter (epoch, step).
 */
export function defaultMetric(metrics: readonly string[]): string | undefined {
  const quality = /loss|acc|err|f1|auc|score|reward|perplexity|precision|recall|mse|mae|bleu/i;
  const counter = /(^|[/._])(epoch|epochs|step|steps|iter|iteration|global_step|lr|time)$/i;
  return (
    metrics.find((m) => /^(val|valid|validation|test|eval)[/_.]/i.test(m) && quality.test(m)) ??
    metrics.find((m) => quality.test(m)) ??
    metrics.find((m) => !counter.test(m)) ??
    metrics[0]
  );
}

/** Lower is better for losses and errors; higher for everything else (accuracy, reward, ...). */
export function defaultGoal(metric: string): Goal {
  return /loss|err|perplexity|mse|mae|rmse|time|latency/i.test(metric) ? "minimize" : "maximize";
}

function buildAxis(runs: readonly AnalysisRun[], key: string, source: "config" | "summary"): AxisSpec {
  const values = runs.map((run) => (source === "config" ? run.config[key] : run.summary[key]));
  // Non-finite numbers arrive as "NaN", "Infinity", "-Infinity": missing, not categories.
  const present = values.filter((v) => v !== undefined && v !== null && !NONFINITE.has(String(v)));
  if (present.length > 0 && present.every(isNumber)) {
    return { key, source, kind: wantsLogScale(present) ? "log" : "value", categories: [] };
  }
  const categories = [...new Set(values.map(categoryLabel))].sort((a, b) =>
    a.localeCompare(b, undefined, { numeric: true }),
  );
  return { key, source, kind: "category", categories };
}

/** One axis per parameter, then the metric. */
export function buildAxes(runs: readonly AnalysisRun[], params: readonly string[], metric: string): AxisSpec[] {
  return [...params.map((key) => buildAxis(runs, key, "config")), buildAxis(runs, metric, "summary")];
}

/**
 * The run's position on an axis: the number itself on numeric axes, the category's index on category
 * axes; null when the run has no number there (a numeric axis with a missing value).
 */
export function axisValue(axis: AxisSpec, run: AnalysisRun): number | null {
  const value = axis.source === "config" ? run.config[axis.key] : run.summary[axis.key];
  if (axis.kind === "category") return axis.categories.indexOf(categoryLabel(value));
  return isNumber(value) ? value : null;
}

/** The runs that can be drawn: those with a finite value of the metric. */
export function plottableRuns<R extends AnalysisRun>(runs: readonly R[], metric: string): R[] {
  return runs.filter((run) => isNumber(run.summary[metric]));
}
