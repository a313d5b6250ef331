// Pure helpers of the sweep page: which controls apply, the best-so-far curve, trial params as columns.
import type { JsonValue } from "../../../api/types";
import { flatten } from "../../../lib/flatten";
import type { Goal, SweepAction, SweepState, Trial } from "../api";

/** The states each action applies to (as the server's ACTIONS in store/sweeps.py). */
const ALLOWED: Record<SweepAction, readonly SweepState[]> = {
  pause: ["running"],
  resume: ["paused"],
  stop: ["running", "paused"],
  cancel: ["running", "paused", "stopped", "finished"],
};

export function canAct(state: SweepState, action: SweepAction): boolean {
  return ALLOWED[action].includes(state);
}

/**
 * Why an action does nothing for this sweep now, or null when it applies. Cancelling a stopped or
 * finished sweep only kills its running trials, so with none running there is nothing to cancel
 * (the server would still accept it and mark the sweep cancelled, hiding that it finished).
 */
export function whyNot(state: SweepState, action: SweepAction, trials: readonly Pick<Trial, "status">[]): string | null {
  if (!canAct(state, action)) return `the sweep is ${state}`;
  if (action === "cancel" && (state === "stopped" || state === "finished") && !trials.some((t) => t.status === "running"))
    return `the sweep is ${state} and no trial is running`;
  return null;
}

export interface ProgressPoint {
  /** unix seconds the trial was claimed (started) */
  t: number;
  trial: number;
  value: number;
  /** the best value of this and every earlier-started trial */
  best: number;
}

/** Trials with a value, by start time, each with the best value found so far. */
export function bestSoFar(trials: readonly Trial[], goal: Goal): ProgressPoint[] {
  const scored = trials
    .filter((t): t is Trial & { value: number } => t.value !== null && Number.isFinite(t.value))
    .sort((a, b) => a.claimed_at - b.claimed_at || a.number - b.number);
  const better = (a: number, b: number) => (goal === "minimize" ? a < b : a > b);
  const out: ProgressPoint[] = [];
  let best: number | null = null;
  for (const trial of scored) {
    if (best === null || better(trial.value, best)) best = trial.value;
    out.push({ t: trial.claimed_at, trial: trial.number, value: trial.value, best });
  }
  return out;
}

/** The flattened parameter keys that differ between trials (what was searched), sorted. */
export function searchedKeys(trials: readonly Trial[]): string[] {
  const seen = new Map<string, Set<string>>();
  for (const trial of trials) {
    for (const [key, value] of Object.entries(flatten(trial.params))) {
      const values = seen.get(key) ?? new Set<string>();
      values.add(JSON.stringify(value));
      seen.set(key, values);
    }
  }
  return [...seen.entries()]
    .filter(([, values]) => values.size > 1 || trials.length === 1)
    .map(([key]) => key)
    .sort();
}

export function paramValue(trial: Trial, key: string): JsonValue | undefined {
  return flatten(trial.params)[key];
}
