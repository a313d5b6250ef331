// Client-side grouping of the loaded runs by one column (a config key or a meta field).
import type { JsonValue, RunRow } from "../../../api/types";
import { paletteColor } from "../../../lib/colors";
import { type BinMode, DEFAULT_BINS, binValues } from "./binning";
import { parseColumnId } from "./columnIds";

export const NO_VALUE = "(none)";

export interface RunGroup {
  value: string; // the value as text ("0.1", or a bin "0.01–0.03"): the group's name in the URL and in the charts
  color: string; // by position, so groups next to each other differ
  runs: RunRow[];
}

export type DisplayRow =
  | { kind: "group"; group: RunGroup; collapsed: boolean }
  | { kind: "run"; run: RunRow; group: string | null };

function asText(value: JsonValue | undefined): string {
  if (value === undefined || value === null) return NO_VALUE;
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** The value a run has for a column, as text. */
export function cellText(run: RunRow, column: string): string {
  const ref = parseColumnId(column);
  if (!ref) return NO_VALUE;
  switch (ref.kind) {
    case "name":
      return run.name;
    case "config":
      return asText(run.config[ref.key]);
    case "summary":
      return asText(run.summary[ref.key]);
    case "meta": {
      const value = run[ref.field];
      if (Array.isArray(value)) return value.length ? value.join(", ") : NO_VALUE;
      return asText(value);
    }
  }
}

/** How a numeric column is binned when grouping by it. */
export interface BinChoice {
  mode: BinMode;
  count: number;
}

export const DEFAULT_BINNING: BinChoice = { mode: "auto", count: DEFAULT_BINS };

/** The number a run has for a config or summary column, if it is one. */
function numberOf(run: RunRow, column: string): number | null {
  const ref = parseColumnId(column);
  if (ref?.kind !== "config" && ref?.kind !== "summary") return null;
  const value = (ref.kind === "config" ? run.config : run.summary)[ref.key];
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

function isNumeric(numbers: readonly (number | null)[], texts: readonly string[]): boolean {
  return numbers.some((n) => n !== null) && texts.every((t, i) => numbers[i] !== null || t === NO_VALUE);
}

/** True when every run that has a value for the column has a number there (so it can be binned). */
export function isNumericColumn(runs: readonly RunRow[], column: string): boolean {
  return isNumeric(
    runs.map((run) => numberOf(run, column)),
    runs.map((run) => cellText(run, column)),
  );
}

/** The group name of each run: its value as text, or for a numeric column (every run that has a value
 * has a number) the bin its number falls in. Numeric names come first, in numeric order. */
function groupNames(runs: readonly RunRow[], column: string, binning: BinChoice): { names: string[]; numeric: string[] } {
  const numbers = runs.map((run) => numberOf(run, column));
  const texts = runs.map((run) => cellText(run, column));
  if (!isNumeric(numbers, texts)) return { names: texts, numeric: [] };
  const present = numbers.filter((n): n is number => n !== null);
  const bins = binValues(present, binning.mode, binning.count);
  if (!bins) {
    const order = [...new Set(present)].sort((a, b) => a - b).map((n) => JSON.stringify(n));
    return { names: texts, numeric: order };
  }
  const names = runs.map((_, i) => {
    const n = numbers[i];
    return n === null || n === undefined ? NO_VALUE : (bins.bins[bins.binOf(n)] as { label: string }).label;
  });
  return { names, numeric: bins.bins.map((b) => b.label) };
}

/** Runs grouped by a column's value. Numeric columns are binned (see `binning.ts`) and their groups
 * are in numeric order; other groups follow the order of their first run (so they follow the sort). */
export function groupRuns(runs: readonly RunRow[], column: string, binning: BinChoice = DEFAULT_BINNING): RunGroup[] {
  const { names, numeric } = groupNames(runs, column, binning);
  const members = new Map<string, RunRow[]>();
  for (const name of numeric) members.set(name, []);
  runs.forEach((run, i) => {
    const name = names[i] as string;
    const list = members.get(name);
    if (list) list.push(run);
    else members.set(name, [run]);
  });
  return [...members.entries()]
    .filter(([, list]) => list.length > 0)
    .map(([value, list], i) => ({ value, color: paletteColor(i), runs: list }));
}

/** The rows the table draws: runs, or group headers each followed by its runs unless collapsed. */
export function displayRows(
  runs: readonly RunRow[],
  groupBy: string | null,
  collapsed: ReadonlySet<string>,
  binning: BinChoice = DEFAULT_BINNING,
): DisplayRow[] {
  if (!groupBy) return runs.map((run) => ({ kind: "run", run, group: null }));
  const rows: DisplayRow[] = [];
  for (const group of groupRuns(runs, groupBy, binning)) {
    const isCollapsed = collapsed.has(group.value);
    rows.push({ kind: "group", group, collapsed: isCollapsed });
    if (!isCollapsed) for (const run of group.runs) rows.push({ kind: "run", run, group: group.value });
  }
  return rows;
}
