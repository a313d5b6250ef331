// One colour per run, the same everywhere (table swatch, chart line, compare view).
const PALETTE = [
  "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
  "#9c755f", "#bab0ac", "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#8c564b", "#e377c2",
  "#17becf", "#bcbd22", "#6b6ecf", "#e7969c",
];

/**
 * A run's colour, the same in the table, the charts and the compare view. Runs are coloured by
 * their number (creation rank in the project), so consecutive runs never share a colour; a run
 * without one falls back to a hash of its id.
 */
export function runColor(run: { id: string; number?: number }): string {
  if (run.number !== undefined && run.number > 0) return paletteColor(run.number - 1);
  let hash = 0x811c9dc5;
  for (let i = 0; i < run.id.length; i++) {
    hash ^= run.id.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return paletteColor(hash >>> 0);
}

/** The palette's colour number `index` (wrapping), for things drawn by position, like groups. */
export function paletteColor(index: number): string {
  return PALETTE[((index % PALETTE.length) + PALETTE.length) % PALETTE.length] ?? "#4e79a7";
}
