// Steps of media values across runs: the slider walks their union; each run shows its value there.
import type { MediaValue, RunMedia } from "../api";

/** Every step any run logged the key at, ascending and without repeats. */
export function unionSteps(runs: RunMedia[]): number[] {
  const steps = new Set<number>();
  for (const run of runs) for (const value of run.values) steps.add(value.step);
  return [...steps].sort((a, b) => a - b);
}

/** A run's value at `step`: the last one logged there, else the last one before it (or null). */
export function valueAt(values: MediaValue[], step: number): MediaValue | null {
  let found: MediaValue | null = null;
  for (const value of values) {
    if (value.step > step) break;
    found = value;
  }
  return found;
}

/** The items of a value: a gallery's images, or the value itself. */
export function itemsOf<T>(meta: Record<string, unknown>): T[] {
  const items = meta.items;
  return Array.isArray(items) ? (items as T[]) : [meta as T];
}
