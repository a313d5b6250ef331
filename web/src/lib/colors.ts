// One colour per run, the same everywhere (table swatch, chart line, compare view).
// A Glasbey-style palette: each colour was picked greedily to be as far as possible (CIEDE2000) from
// the ones before it, among sRGB colours with 3:1 contrast on both themes' panel backgrounds and a
// moderate chroma (25-75), so consecutive runs differ most. colors.test.ts checks the distances.
const PALETTE = [
  "#4e79a7", "#a09800", "#f85848", "#b02898", "#007850", "#905810", "#a888b0", "#50a0a0",
  "#905858", "#38a830", "#f85090", "#e07810", "#686810", "#007078", "#9060e0", "#b83810",
  "#988058", "#786088", "#d00058", "#c08080", "#889868", "#18a0d0", "#d860d0", "#18a078",
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
