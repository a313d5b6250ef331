// Columnar table pages → rows for the viewer, with a header row wherever the group value changes.
import type { TablePage } from "../api";

export type Cell = unknown;

export type ViewRow =
  | { kind: "group"; value: Cell; count: number }
  | { kind: "row"; index: number; cells: Record<string, Cell> };

/** The rows of some pages, in order; with `group`, a group row starts each run of equal values. */
export function viewRows(pages: TablePage[], group: string | null): ViewRow[] {
  const out: ViewRow[] = [];
  const counts = new Map<string, number>();
  for (const page of pages) for (const g of page.groups ?? []) counts.set(JSON.stringify(g.value), g.count);
  let previous: string | undefined;
  for (const page of pages) {
    const n = page.data[page.columns[0] ?? ""]?.length ?? 0;
    for (let i = 0; i < n; i++) {
      const cells: Record<string, Cell> = {};
      for (const column of page.columns) cells[column] = page.data[column]?.[i];
      if (group !== null) {
        const key = JSON.stringify(cells[group] ?? null);
        if (key !== previous) {
          out.push({ kind: "group", value: cells[group] ?? null, count: counts.get(key) ?? 0 });
          previous = key;
        }
      }
      out.push({ kind: "row", index: Number(cells._row ?? page.offset + i), cells });
    }
  }
  return out;
}

/** How many table rows the pages hold (group rows aside). */
export function loadedRows(pages: TablePage[]): number {
  return pages.reduce((n, page) => n + (page.data[page.columns[0] ?? ""]?.length ?? 0), 0);
}

/** A cell as text: numbers to 4 significant digits, null as empty, objects as JSON. */
export function cellText(value: Cell): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(4)));
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

const BARE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** An example filter written with this table's own columns and first row, for the filter's
 * placeholder: `filter, e.g. score > 0.3 and label == "cat"`. Only columns the filter language
 * takes bare are used; with none, a generic hint. */
export function filterPlaceholder(columns: readonly string[], types: Record<string, string>, first: Record<string, Cell> | undefined): string {
  const usable = columns.filter((c) => c !== "_row" && BARE.test(c));
  const parts: string[] = [];
  const number = usable.find((c) => types[c] === "number" && typeof first?.[c] === "number");
  if (number) parts.push(`${number} > ${cellText(first?.[number])}`);
  const text = usable.find((c) => types[c] === "string" && typeof first?.[c] === "string");
  if (text) parts.push(`${text} == ${JSON.stringify(first?.[text])}`);
  return parts.length ? `filter, e.g. ${parts.join(" and ")}` : "filter rows, e.g. column > 0";
}

/** A joined column ("score · run-b") as its column and the run it comes from, for a two-line header. */
export function splitJoined(column: string): { name: string; run: string | null } {
  const at = column.lastIndexOf(" · ");
  return at < 0 ? { name: column, run: null } : { name: column.slice(0, at), run: column.slice(at + 3) };
}
