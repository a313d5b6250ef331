// Runs ordered best first for a metric, and how a value reads in the runs list.
import type { JsonValue } from "../../../api/types";
import type { AnalysisRun, Goal } from "./axes";

export function rankRuns<R extends AnalysisRun>(runs: readonly R[], metric: string, goal: Goal): R[] {
  const value = (run: R) => {
    const v = run.summary[metric];
    return typeof v === "number" && Number.isFinite(v) ? v : null;
  };
  return [...runs].sort((a, b) => {
    const x = value(a);
    const y = value(b);
    if (x === null || y === null) return x === null ? (y === null ? 0 : 1) : -1;
    return goal === "minimize" ? x - y : y - x;
  });
}

export function formatValue(value: JsonValue | undefined): string {
  if (typeof value !== "number") return value === undefined || value === null ? "—" : String(value);
  if (Number.isInteger(value)) return String(value);
  const abs = Math.abs(value);
  return abs !== 0 && (abs < 1e-3 || abs >= 1e5) ? value.toExponential(3) : value.toPrecision(4);
}
