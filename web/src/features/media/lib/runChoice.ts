// Which runs a media panel draws: the runs the table shows (visible, in table order) that logged
// the key, at most a panel's limit of them, and always said in the panel ("4 of 15 runs").

/** A run as media panels draw it: its name and its colour (the table's swatch, the charts' line). */
export interface MediaRun {
  id: string;
  name: string;
  color: string;
}

/**
 * The runs a panel draws: the `picked` ones still among `runs` (in `runs`' order), or, when none
 * was picked (or none of those is left), the first `limit` of `runs`.
 */
export function chosenRuns(runs: readonly MediaRun[], picked: readonly string[] | null, limit: number): MediaRun[] {
  if (picked) {
    const wanted = new Set(picked);
    const kept = runs.filter((r) => wanted.has(r.id)).slice(0, limit);
    if (kept.length) return kept;
  }
  return runs.slice(0, limit);
}

/** `runs` with the ones selected in the table first (each part in table order): media draw those. */
export function selectedFirst(runs: readonly MediaRun[], selected: readonly string[]): readonly MediaRun[] {
  if (!selected.length) return runs;
  const picked = new Set(selected);
  return [...runs.filter((r) => picked.has(r.id)), ...runs.filter((r) => !picked.has(r.id))];
}

/** "3 runs" when all are drawn, else "4 of 15 runs". */
export function runsNote(shown: number, total: number): string {
  if (shown === total) return total === 1 ? "1 run" : `${total} runs`;
  return `${shown} of ${total} runs`;
}

/** `picked` with `id` added (when fewer than `limit` are picked) or removed (never the last one). */
export function togglePicked(picked: readonly string[], id: string, limit: number): string[] {
  if (picked.includes(id)) return picked.length > 1 ? picked.filter((p) => p !== id) : [...picked];
  return picked.length < limit ? [...picked, id] : [...picked];
}
