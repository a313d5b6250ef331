// Pure helpers for image panels: class colours, mask overlays as RGBA pixels, and which boxes show.
import type { Box } from "../api";

const PALETTE: [number, number, number][] = [
  [230, 25, 75],
  [60, 180, 75],
  [255, 225, 25],
  [0, 130, 200],
  [245, 130, 48],
  [145, 30, 180],
  [70, 240, 240],
  [240, 50, 230],
  [210, 245, 60],
  [250, 190, 212],
  [0, 128, 128],
  [170, 110, 40],
];

/** A stable colour for a class id (the same id is the same colour in masks and boxes). */
export function classColor(id: number): [number, number, number] {
  const index = ((id % PALETTE.length) + PALETTE.length) % PALETTE.length;
  return PALETTE[index] ?? [128, 128, 128];
}

export function cssColor(id: number, alpha = 1): string {
  const [r, g, b] = classColor(id);
  return `rgba(${r}, ${g}, ${b}, ${alpha})`;
}

/**
 * RGBA pixels of a mask overlay: each pixel's class id is `ids[i]` (0 is background, drawn
 * clear); classes not in `shown` stay clear; others take their colour at `opacity` (0..1).
 */
export function maskPixels(ids: ArrayLike<number>, shown: ReadonlySet<number>, opacity: number): Uint8ClampedArray<ArrayBuffer> {
  const out = new Uint8ClampedArray(new ArrayBuffer(ids.length * 4));
  const alpha = Math.round(Math.max(0, Math.min(1, opacity)) * 255);
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i] ?? 0;
    if (id === 0 || !shown.has(id)) continue;
    const [r, g, b] = classColor(id);
    out[i * 4] = r;
    out[i * 4 + 1] = g;
    out[i * 4 + 2] = b;
    out[i * 4 + 3] = alpha;
  }
  return out;
}

/** The class ids of a mask's RGBA pixels (the PNG is grayscale: the id is in each channel). */
export function maskIds(rgba: ArrayLike<number>): Uint8Array {
  const ids = new Uint8Array(rgba.length / 4);
  for (let i = 0; i < ids.length; i++) ids[i] = rgba[i * 4] ?? 0;
  return ids;
}

/** The score keys boxes carry (for the threshold slider), sorted. */
export function scoreKeys(boxes: Box[]): string[] {
  const keys = new Set<string>();
  for (const box of boxes) for (const key of Object.keys(box.scores ?? {})) keys.add(key);
  return [...keys].sort();
}

/**
 * The boxes to draw: their class is not hidden, and (with a score key) their score is at least
 * `threshold`. A box without that score is kept: there is nothing to compare.
 */
export function visibleBoxes(
  boxes: Box[],
  hidden: ReadonlySet<number>,
  scoreKey: string | null,
  threshold: number,
): Box[] {
  return boxes.filter((box) => {
    if (box.class_id !== undefined && hidden.has(box.class_id)) return false;
    if (scoreKey === null) return true;
    const score = box.scores?.[scoreKey];
    return score === undefined || score >= threshold;
  });
}

/** The label of a box: its caption, else its class's name, else its class id. */
export function boxLabel(box: Box, labels: Record<string, string>): string {
  if (box.caption) return box.caption;
  if (box.class_id === undefined) return "";
  return labels[String(box.class_id)] ?? `class ${box.class_id}`;
}
