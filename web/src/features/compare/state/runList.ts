// The compared runs as the URL's `runs` list: adding keeps the order, removing keeps the rest.

/** `ids` with `id` appended, unless it is already there. */
export function withRun(ids: readonly string[], id: string): string[] {
  return ids.includes(id) ? [...ids] : [...ids, id];
}

/** `ids` without `id`. */
export function withoutRun(ids: readonly string[], id: string): string[] {
  return ids.filter((x) => x !== id);
}
