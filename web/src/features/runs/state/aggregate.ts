// What a group header shows in each column: the shared value, else the mean of the numbers.
import type { JsonValue, RunRow } from "../../../api/types";
import { exactValue, formatNumber, formatValue } from "../../../lib/format";
import { parseColumnId } from "./columnIds";

export interface Aggregate {
  text: string;
  title: string;
  kind: "same" | "mean" | "mixed" | "none";
}

const NONE: Aggregate = { text: "", title: "", kind: "none" };

function values(runs: readonly RunRow[], column: string): (JsonValue | undefined)[] | null {
  const ref = parseColumnId(column);
  if (ref?.kind === "config") return runs.map((r) => r.config[ref.key]);
  if (ref?.kind === "summary") return runs.map((r) => r.summary[ref.key]);
  return null;
}

/** The group's value in a config or summary column; state gets counts; other columns nothing. */
export function aggregate(runs: readonly RunRow[], column: string): Aggregate {
  if (column === "state") {
    const counts = new Map<string, number>();
    for (const run of runs) counts.set(run.state, (counts.get(run.state) ?? 0) + 1);
    const text = [...counts].map(([state, n]) => `${n} ${state}`).join(", ");
    return { text, title: text, kind: "mixed" };
  }
  const all = values(runs, column);
  if (!all) return NONE;
  const isSummary = column.startsWith("summary.");
  const present = all.filter((v) => v !== undefined);
  if (!present.length) return NONE;
  const first = exactValue(present[0]);
  if (present.length === all.length && present.every((v) => exactValue(v) === first)) {
    const text = formatValue(present[0], isSummary);
    return { text, title: `all ${all.length}: ${first}`, kind: "same" };
  }
  const numbers = present.filter((v): v is number => typeof v === "number");
  if (numbers.length) {
    const mean = numbers.reduce((a, b) => a + b, 0) / numbers.length;
    const min = Math.min(...numbers);
    const max = Math.max(...numbers);
    const title = `mean of ${numbers.length}: ${mean} (min ${formatNumber(min)}, max ${formatNumber(max)})`;
    return { text: formatNumber(mean), title, kind: "mean" };
  }
  const distinct = new Set(present.map(exactValue)).size;
  return { text: `${distinct} values`, title: [...new Set(present.map(exactValue))].join(", "), kind: "mixed" };
}
