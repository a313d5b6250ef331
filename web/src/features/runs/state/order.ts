// Sort state of the runs table → the server's order language (`config.lr`, `-summary["val/acc"]`).
import { parseColumnId } from "./columnIds";

export interface SortState {
  column: string; // a column id
  desc: boolean;
}

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
const UNSORTABLE = new Set(["tags", "repro_score"]);

/** A string literal the filter language reads back exactly. */
export function quote(text: string): string {
  return JSON.stringify(text).replace(/\\b/g, "\\u0008").replace(/\\f/g, "\\u000c");
}

/** The field expression of a column: `config.model.width`, `config["odd key"]`, `summary["val/acc"]`. */
export function fieldExpression(columnIdText: string): string | null {
  const ref = parseColumnId(columnIdText);
  if (!ref) return null;
  switch (ref.kind) {
    case "name":
      return "name";
    case "meta":
      return UNSORTABLE.has(ref.field) ? null : ref.field;
    case "summary":
      return `summary[${quote(ref.key)}]`;
    case "config":
      return (
        "config" +
        ref.key
          .split(".")
          .map((part) => (PLAIN_KEY.test(part) ? `.${part}` : `[${quote(part)}]`))
          .join("")
      );
  }
}

export function isSortable(columnIdText: string): boolean {
  return fieldExpression(columnIdText) !== null;
}

/** The `order=` parameter for a sort, or undefined for the server's default (newest first). */
export function orderExpression(sort: SortState | null): string | undefined {
  if (!sort) return undefined;
  const field = fieldExpression(sort.column);
  if (!field) return undefined;
  return sort.desc ? `-${field}` : field;
}

/** A header click: ascending, then descending, then no sort. */
export function nextSort(current: SortState | null, column: string): SortState | null {
  if (!current || current.column !== column) return { column, desc: false };
  if (!current.desc) return { column, desc: true };
  return null;
}
