// The runs a compare panel's form picked, as its runs filter: `id in ["a", "b"]`, as the compare
// page's "Add to report" writes it (runsRunSet), so a picked run adds to a filter the user sees.
import { quote } from "../../runs/state/order";

const ID_LIST = /^\s*id\s+in\s+\[(.*)\]\s*$/s;
const ID = /"((?:[^"\\]|\\.)*)"|'([^'\\]*)'/g;

/** The run ids of a filter `id in [...]` (quoted either way); none for any other filter. */
export function pickedIds(filter: string): string[] {
  const list = ID_LIST.exec(filter);
  if (!list) return [];
  return [...(list[1] ?? "").matchAll(ID)].map((m) => (m[1] !== undefined ? (JSON.parse(`"${m[1]}"`) as string) : (m[2] ?? "")));
}

/** The filter with run `id` added: to its `id in [...]` list, or as one (any other filter is replaced). */
export function withPickedRun(filter: string, id: string): string {
  const ids = pickedIds(filter);
  const next = ids.includes(id) ? ids : [...ids, id];
  return `id in [${next.map(quote).join(", ")}]`;
}
