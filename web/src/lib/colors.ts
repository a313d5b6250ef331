// One colour per run, the same everywhere (table swatch, chart line, compare view): the palette's,
// or the one the user chose for that run (saved in the project's workspace, see useRunColorOverrides).
import { useSyncExternalStore } from "react";

// A Glasbey-style palette: each colour was picked greedily to be as far as possible (CIEDE2000) from
// the ones before it, among sRGB colours with 3:1 contrast on both themes' panel backgrounds and a
// moderate chroma (25-75), so consecutive runs differ most. colors.test.ts checks the distances.
export const PALETTE: readonly string[] = [
  "#4e79a7", "#a09800", "#f85848", "#b02898", "#007850", "#905810", "#a888b0", "#50a0a0",
  "#905858", "#38a830", "#f85090", "#e07810", "#686810", "#007078", "#9060e0", "#b83810",
  "#988058", "#786088", "#d00058", "#c08080", "#889868", "#18a0d0", "#d860d0", "#18a078",
];

/**
 * A run's colour, the same in the table, the charts and the compare view: the one the user chose
 * for it if any (setRunColorOverrides), else by its number (creation rank in the project), so
 * consecutive runs never share a colour; a run without a number falls back to a hash of its id.
 */
export function runColor(run: { id: string; number?: number }): string {
  const chosen = overrides[run.id];
  if (chosen) return chosen;
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

// The colours chosen per run (run id → "#rrggbb"): a tiny external store, so a change re-renders the
// swatches and charts that read it, not the page.
export type RunColorOverrides = Readonly<Record<string, string>>;
let overrides: RunColorOverrides = {};
let version = 0;
const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Replace the chosen colours (the workspace's `runColors`, once loaded or edited). */
export function setRunColorOverrides(next: RunColorOverrides): void {
  if (next === overrides) return;
  overrides = next;
  version++;
  for (const listener of listeners) listener();
}

export function getRunColorOverrides(): RunColorOverrides {
  return overrides;
}

/** A number that changes whenever a chosen colour does: a dependency for memos that call runColor. */
export function useRunColorsVersion(): number {
  return useSyncExternalStore(subscribe, () => version);
}

/** `run`'s colour, re-rendering the caller when it changes. */
export function useRunColor(run: { id: string; number?: number }): string {
  return useSyncExternalStore(subscribe, () => runColor(run));
}

/** "#ABC" or "a0b1c2" → "#aabbcc" / "#a0b1c2"; null for anything else. */
export function normalizeHex(text: string): string | null {
  const hex = text.trim().replace(/^#/, "").toLowerCase();
  if (/^[0-9a-f]{6}$/.test(hex)) return `#${hex}`;
  if (/^[0-9a-f]{3}$/.test(hex)) return `#${[...hex].map((c) => c + c).join("")}`;
  return null;
}

/** The chosen colours stored in a workspace (anything not a run id → hex colour is left out). */
export function parseRunColorOverrides(stored: unknown): RunColorOverrides {
  if (!stored || typeof stored !== "object" || Array.isArray(stored)) return {};
  const out: Record<string, string> = {};
  for (const [id, value] of Object.entries(stored)) {
    const hex = typeof value === "string" ? normalizeHex(value) : null;
    if (id && hex) out[id] = hex;
  }
  return out;
}

/** `current` with `runId`'s colour set to `color`, or back to the palette's for null. */
export function withRunColor(current: RunColorOverrides, runId: string, color: string | null): RunColorOverrides {
  const { [runId]: _old, ...rest } = current;
  return color === null ? rest : { ...rest, [runId]: color };
}
