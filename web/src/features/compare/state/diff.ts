// The compare view's tables: one row per flattened key, one value per run, rows that differ marked.
import type { JsonValue } from "../../../api/types";
import { exactValue } from "../../../lib/format";

/** A key telling every JSON value apart (1 from "1"), and missing from null. */
function identity(value: JsonValue | undefined): string {
  return value === undefined ? "\u0000missing" : JSON.stringify(value);
}

export interface DiffRow {
  key: string;
  values: (JsonValue | undefined)[]; // one per run, undefined where the run lacks the key
  differs: boolean;
}

/** Rows for the union of keys, sorted by key; a missing key differs from any value. */
export function diffRows(records: readonly Record<string, JsonValue>[]): DiffRow[] {
  const keys = new Set<string>();
  for (const record of records) for (const key of Object.keys(record)) keys.add(key);
  return [...keys]
    .sort((a, b) => a.localeCompare(b))
    .map((key) => {
      const values = records.map((record) => (key in record ? record[key] : undefined));
      const first = identity(values[0]);
      return { key, values, differs: values.some((v) => identity(v) !== first) };
    });
}

/** How many rows the "differences only" toggle hides: those where every run agrees. */
export function equalCount(rows: readonly DiffRow[]): number {
  return rows.filter((row) => !row.differs).length;
}

/** Rows to show: matching the search (key or any value), and only differing rows when asked. */
export function visibleRows(rows: readonly DiffRow[], onlyDiff: boolean, search: string): DiffRow[] {
  const needle = search.trim().toLowerCase();
  return rows.filter(
    (row) =>
      (!onlyDiff || row.differs) &&
      (!needle ||
        row.key.toLowerCase().includes(needle) ||
        row.values.some((v) => v !== undefined && exactValue(v).toLowerCase().includes(needle))),
  );
}
