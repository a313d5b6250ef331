// The order of the runs table's data columns: pinned columns first (in the order of `cols`), then
// the others. A move never crosses that line: pin or unpin a column to take it across.

/** The columns as the table draws them: the pinned ones first, each part in `cols` order. */
export function displayOrder(cols: readonly string[], pinned: readonly string[]): string[] {
  const isPinned = new Set(pinned);
  return [...cols.filter((id) => isPinned.has(id)), ...cols.filter((id) => !isPinned.has(id))];
}

/**
 * `cols` (in display order) with `id` dropped before or after `target`; unchanged when either is
 * not a column, they are the same, or one is pinned and the other not.
 */
export function moveColumn(
  cols: readonly string[],
  pinned: readonly string[],
  id: string,
  target: string,
  side: "before" | "after",
): string[] {
  const order = displayOrder(cols, pinned);
  if (id === target || !order.includes(id) || !order.includes(target)) return order;
  if (pinned.includes(id) !== pinned.includes(target)) return order;
  const rest = order.filter((c) => c !== id);
  const at = rest.indexOf(target) + (side === "after" ? 1 : 0);
  return [...rest.slice(0, at), id, ...rest.slice(at)];
}

/** `cols` (in display order) with `id` one place left (-1) or right (+1), within its pin group. */
export function shiftColumn(cols: readonly string[], pinned: readonly string[], id: string, by: -1 | 1): string[] {
  const order = displayOrder(cols, pinned);
  const neighbour = order[order.indexOf(id) + by];
  if (!order.includes(id) || neighbour === undefined) return order;
  return moveColumn(order, pinned, id, neighbour, by < 0 ? "before" : "after");
}

/** Whether `id` can move one place left (-1) or right (+1) without crossing the pinned columns. */
export function canShift(cols: readonly string[], pinned: readonly string[], id: string, by: -1 | 1): boolean {
  const order = displayOrder(cols, pinned);
  const neighbour = order[order.indexOf(id) + by];
  return order.includes(id) && neighbour !== undefined && pinned.includes(id) === pinned.includes(neighbour);
}
