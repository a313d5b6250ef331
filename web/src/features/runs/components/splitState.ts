// The split between the runs table and the charts, as the left pane's width in percent.

export const SPLIT_KEY = "cairn.split";
export const SPLIT_MIN = 15;
export const SPLIT_MAX = 85;

export function clampSplit(percent: number): number {
  return Math.min(SPLIT_MAX, Math.max(SPLIT_MIN, percent));
}

/** The stored split, or `fallback` when nothing (or nothing sensible) is stored. */
export function readSplit(stored: string | null, fallback: number): number {
  const value = stored === null || stored === "" ? NaN : Number(stored);
  return Number.isFinite(value) && value >= SPLIT_MIN && value <= SPLIT_MAX ? value : fallback;
}

/** The split after a key press on the handle, or null for keys it ignores. */
export function keyStep(key: string, shift: boolean, percent: number): number | null {
  const step = shift ? 10 : 2;
  switch (key) {
    case "ArrowLeft":
    case "ArrowUp":
      return clampSplit(percent - step);
    case "ArrowRight":
    case "ArrowDown":
      return clampSplit(percent + step);
    case "Home":
      return SPLIT_MIN;
    case "End":
      return SPLIT_MAX;
    default:
      return null;
  }
}
