// Checkbox selection with shift-click ranges over the table's run order.

/** Toggle `id`, or with `anchor` (shift-click) set the whole range anchor..id to the new state of id. */
export function toggleSelection(
  selected: readonly string[],
  order: readonly string[],
  id: string,
  anchor: string | null,
): string[] {
  const checked = !selected.includes(id);
  const from = anchor ? order.indexOf(anchor) : -1;
  const to = order.indexOf(id);
  const range = from >= 0 && to >= 0 ? order.slice(Math.min(from, to), Math.max(from, to) + 1) : [id];
  const rangeSet = new Set(range);
  const rest = selected.filter((s) => !rangeSet.has(s));
  return checked ? [...rest, ...range] : rest;
}
