// Client-side grouping of the loaded runs by one column (a config key or a meta field).
import type { JsonValue, RunRow } from "../../../api/types";
import { paletteColor } from "../../../lib/colors";
import { type BinMode, DEFAULT_BINS, binValues } from "./binning";
import { parseColumnId } from "./columnIds";

export const NO_VALUE = "(none)";

export interface RunGroup<T = RunRow> {
  value: string; // the value as text ("0.1", or a bin "0.01–0.03"): the group's name in the URL and in the charts
  color: string; // by position, so groups next to each other differ
  runs: T[];
}

export type DisplayRow =
  | { kind: "group"; group: RunGroup; collapsed: boolean }
  | { kind: "run"; run: RunRow; group: string | null };

/** A value as a group's name: a string as it is, anything else as JSON, no value as "(none)". */
export function valueText(value: JsonValue | undefined): string {
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
      return valueText(run.config[ref.key]);
    case "summary":
      return valueText(run.summary[ref.key]);
    case "meta": {
      const value = run[ref.field];
      if (Array.isArray(value)) return value.length ? value.join(", ") : NO_VALUE;
      return valueText(value);
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

/** The group name of each item, from its value as text and (null: none) as a number: the text, or
 * for numeric values (every item that has a value has a number) the bin its number falls in.
 * Numeric names come first, in numeric order. */
function groupNames(
  numbers: readonly (number | null)[],
  texts: readonly string[],
  binning: BinChoice,
): { names: readonly string[]; numeric: string[] } {
  if (!isNumeric(numbers, texts)) return { names: texts, numeric: [] };
  const present = numbers.filter((n): n is number => n !== null);
  const bins = binValues(present, binning.mode, binning.count);
  if (!bins) {
    const order = [...new Set(present)].sort((a, b) => a - b).map((n) => JSON.stringify(n));
    return { names: texts, numeric: order };
  }
  const names = numbers.map((n) => (n === null ? NO_VALUE : (bins.bins[bins.binOf(n)] as { label: string }).label));
  return { names, numeric: bins.bins.map((b) => b.label) };
}

/** Items grouped by their values (`texts[i]` is item i's as text, `numbers[i]` as a number or null):
 * numeric values are binned (see `binning.ts`) and their groups are in numeric order; other groups
 * follow the order of their first item. The workspace groups its runs by this rule, and a report's
 * panel its runs. */
export function groupByValue<T>(
  items: readonly T[],
  texts: readonly string[],
  numbers: readonly (number | null)[],
  binning: BinChoice = DEFAULT_BINNING,
): RunGroup<T>[] {
  const { names, numeric } = groupNames(numbers, texts, binning);
  const members = new Map<string, T[]>();
  for (const name of numeric) members.set(name, []);
  items.forEach((item, i) => {
    const name = names[i] as string;
    const list = members.get(name);
    if (list) list.push(item);
    else members.set(name, [item]);
  });
  return [...members.entries()]
    .filter(([, list]) => list.length > 0)
    .map(([value, list], i) => ({ value, color: paletteColor(i), runs: list }));
}

/** Runs grouped by a column's value (`groupByValue`'s rule: a numeric column is binned). */
export function groupRuns(runs: readonly RunRow[], column: string, binning: BinChoice = DEFAULT_BINNING): RunGroup[] {
  return groupByValue(
    runs,
    runs.map((run) => cellText(run, column)),
    runs.map((run) => numberOf(run, column)),
    binning,
  );
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
