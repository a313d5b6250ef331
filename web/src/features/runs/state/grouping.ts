// Client-side grouping of the loaded runs by one column (a config key or a meta field).
import type { JsonValue, RunRow } from "../../../api/types";
import { paletteColor } from "../../../lib/colors";
import { parseColumnId } from "./columnIds";

export const NO_VALUE = "(none)";

export interface RunGroup {
  value: string; // the value as text: the group's name in the URL and in the charts
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

/** Runs grouped by a column's value, groups in order of their first run (so they follow the sort). */
export function groupRuns(runs: readonly RunRow[], column: string): RunGroup[] {
  const groups = new Map<string, RunGroup>();
  for (const run of runs) {
    const value = cellText(run, column);
    let group = groups.get(value);
    if (!group) {
      group = { value, color: paletteColor(groups.size), runs: [] };
      groups.set(value, group);
    }
    group.runs.push(run);
  }
  return [...groups.values()];
}

/** The rows the table draws: runs, or group headers each followed by its runs unless collapsed. */
export function displayRows(
  runs: readonly RunRow[],
  groupBy: string | null,
  collapsed: ReadonlySet<string>,
): DisplayRow[] {
  if (!groupBy) return runs.map((run) => ({ kind: "run", run, group: null }));
  const rows: DisplayRow[] = [];
  for (const group of groupRuns(runs, groupBy)) {
    const isCollapsed = collapsed.has(group.value);
    rows.push({ kind: "group", group, collapsed: isCollapsed });
    if (!isCollapsed) for (const run of group.runs) rows.push({ kind: "run", run, group: group.value });
  }
  return rows;
}
