// One value per run from its config or summary ("config.lr", "summary.val/acc"), and what the
// scatter, bar and scalar panels make of them: points, bars per run or group, one aggregated number.
import type { JsonValue } from "../../../api/types";

/** What the value panels need of a run: the table's row (config flattened with ".") and colour. */
export interface ValueRun {
  id: string;
  name: string;
  color: string;
  group: string | null;
  created_at: number;
  config: Record<string, JsonValue>;
  summary: Record<string, JsonValue>;
}

const PREFIXES = ["config.", "summary."] as const;

/** "config.lr" for config key "lr", "summary.val/acc" for summary key "val/acc". */
export function valueKey(source: "config" | "summary", key: string): string {
  return `${source}.${key}`;
}

/** The run's number under a value key, or null (absent, not a finite number). */
export function runValue(run: ValueRun, key: string): number | null {
  const prefix = PREFIXES.find((p) => key.startsWith(p));
  if (!prefix) return null;
  const name = key.slice(prefix.length);
  const value = prefix === "config." ? run.config[name] : run.summary[name];
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "boolean") return value ? 1 : 0;
  return null;
}

/** The value keys with a number in at least one run: config keys first, then summary keys, each sorted. */
export function numericKeys(runs: readonly ValueRun[]): string[] {
  const config = new Set<string>();
  const summary = new Set<string>();
  for (const run of runs) {
    for (const [k, v] of Object.entries(run.config)) if (typeof v === "number" && Number.isFinite(v)) config.add(k);
    for (const [k, v] of Object.entries(run.summary)) {
      if (typeof v === "number" && Number.isFinite(v) && !k.startsWith("_")) summary.add(k);
    }
  }
  const collator = new Intl.Collator("en", { numeric: true });
  return [
    ...[...config].sort(collator.compare).map((k) => valueKey("config", k)),
    ...[...summary].sort(collator.compare).map((k) => valueKey("summary", k)),
  ];
}

export interface ScatterPoint {
  run: ValueRun;
  x: number;
  y: number;
  /** the colour-by value, null when there is none (or the run lacks it) */
  c: number | null;
}

/** The runs with both coordinates (positive ones only on a log axis). */
export function scatterPoints(
  runs: readonly ValueRun[],
  xKey: string,
  yKey: string,
  colorKey: string | null,
  log: { x: boolean; y: boolean } = { x: false, y: false },
): ScatterPoint[] {
  const points: ScatterPoint[] = [];
  for (const run of runs) {
    const x = runValue(run, xKey);
    const y = runValue(run, yKey);
    if (x === null || y === null || (log.x && x <= 0) || (log.y && y <= 0)) continue;
    points.push({ run, x, y, c: colorKey ? runValue(run, colorKey) : null });
  }
  return points;
}

export interface Bar {
  /** the run's or group's name */
  label: string;
  color: string;
  value: number;
  /** the runs' spread in a group (min–max); null for a single run */
  low: number | null;
  high: number | null;
  runIds: string[];
}

/**
 * One bar per run with the key, or per group when `grouped` (the mean, with the min and max of
 * its runs), sorted from the largest value down.
 */
export function bars(runs: readonly ValueRun[], key: string, grouped: boolean): Bar[] {
  const out: Bar[] = [];
  if (!grouped) {
    for (const run of runs) {
      const value = runValue(run, key);
      if (value !== null) out.push({ label: run.name, color: run.color, value, low: null, high: null, runIds: [run.id] });
    }
  } else {
    const groups = new Map<string, { color: string; values: number[]; runIds: string[] }>();
    for (const run of runs) {
      const value = runValue(run, key);
      if (value === null) continue;
      const name = run.group ?? "(none)";
      const g = groups.get(name) ?? { color: run.color, values: [], runIds: [] };
      g.values.push(value);
      g.runIds.push(run.id);
      groups.set(name, g);
    }
    for (const [label, g] of groups) {
      const mean = g.values.reduce((a, b) => a + b, 0) / g.values.length;
      out.push({ label, color: g.color, value: mean, low: Math.min(...g.values), high: Math.max(...g.values), runIds: g.runIds });
    }
  }
  return out.sort((a, b) => b.value - a.value || a.label.localeCompare(b.label));
}

export interface Aggregate {
  value: number | null;
  /** how many runs had the key */
  count: number;
  /** the run whose value is shown (min, max, last, run), null for a mean */
  run: ValueRun | null;
}

/** The runs' values of `key` reduced to one: mean, min, max, the newest run's, or `runId`'s. */
export function aggregate(
  runs: readonly ValueRun[],
  key: string,
  how: "mean" | "min" | "max" | "last" | "run",
  runId?: string,
): Aggregate {
  const withValue = runs.flatMap((run) => {
    const value = runValue(run, key);
    return value === null ? [] : [{ run, value }];
  });
  const count = withValue.length;
  if (how === "run") {
    const hit = withValue.find((v) => v.run.id === runId);
    return { value: hit?.value ?? null, count, run: hit?.run ?? null };
  }
  if (count === 0) return { value: null, count, run: null };
  if (how === "mean") return { value: withValue.reduce((a, v) => a + v.value, 0) / count, count, run: null };
  const pick = withValue.reduce((best, v) => {
    if (how === "min") return v.value < best.value ? v : best;
    if (how === "max") return v.value > best.value ? v : best;
    return v.run.created_at > best.run.created_at ? v : best;
  });
  return { value: pick.value, count, run: pick.run };
}

/** The lowest and highest of `values` (null when there are none). */
export function extent(values: readonly number[]): [number, number] | null {
  if (values.length === 0) return null;
  return [Math.min(...values), Math.max(...values)];
}
