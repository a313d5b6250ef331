// Which run has the best value of a summary key: the direction comes from the runs' define_metric
// rules when they say min or max, else from the goal of a sweep the runs belong to, else from words
// in the key's name; an unknown direction marks nothing.
import type { JsonValue, MetricDef } from "../../../api/types";

export type Direction = "min" | "max";

export interface KeyDirection {
  direction: Direction;
  /** why: the rule that decided, in words for a tooltip */
  rule: string;
}

/** What the compared runs recorded about directions. */
export interface DirectionSources {
  /** each run's define_metric rules */
  defs: readonly (readonly MetricDef[])[];
  /** the metrics of the sweeps the runs are trials of */
  goals: readonly { name: string; goal: "minimize" | "maximize" }[];
}

export interface BestMark extends KeyDirection {
  /** indices of the runs holding the best value (several on a tie) */
  best: number[];
}

const LOWER = new Set(["loss", "error", "err", "mse", "mae", "rmse", "nll", "perplexity", "ppl", "wer", "cer", "fid", "regret", "latency"]);
const HIGHER = new Set([
  "acc", "accuracy", "f1", "auc", "auroc", "roc", "precision", "recall", "map", "iou", "miou", "dice", "bleu",
  "rouge", "r2", "reward", "return", "score", "psnr", "ssim", "top1", "top5",
]);

/** A define_metric glob (fnmatch: `*` any text, `?` one character) as a whole-key regex. */
export function globRegex(glob: string): RegExp {
  const body = [...glob]
    .map((ch) => (ch === "*" ? ".*" : ch === "?" ? "." : ch.replace(/[.+^${}()|[\]\\]/g, "\\$&")))
    .join("");
  return new RegExp(`^${body}$`);
}

/** The summary kind the latest matching rule gives `key`, if any rule matches. */
function ruleFor(key: string, defs: readonly MetricDef[]): MetricDef | undefined {
  for (let i = defs.length - 1; i >= 0; i--) {
    const def = defs[i];
    if (def && globRegex(def.name).test(key)) return def;
  }
  return undefined;
}

/** The direction from the key's words, the last word that says it winning ("val/acc_loss" is a loss). */
export function directionFromName(key: string): KeyDirection | null {
  const words = key.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
  for (let i = words.length - 1; i >= 0; i--) {
    const word = words[i] as string;
    if (LOWER.has(word)) return { direction: "min", rule: `the key name has “${word}”: lower is better` };
    if (HIGHER.has(word)) return { direction: "max", rule: `the key name has “${word}”: higher is better` };
  }
  return null;
}

/** One direction when every source that speaks agrees; null when none speaks or they disagree. */
function agreed(said: Map<Direction, string>): KeyDirection | null | undefined {
  if (said.size > 1) return null;
  for (const [direction, source] of said) {
    return { direction, rule: `${source}: ${direction === "min" ? "lower" : "higher"} is better` };
  }
  return undefined;
}

/**
 * The direction of `key` over the compared runs: define_metric(summary="min"|"max"), else a sweep's
 * goal for that metric, else the key name. Sources of one kind that disagree leave it unknown.
 */
export function keyDirection(key: string, sources: DirectionSources): KeyDirection | null {
  const defined = new Map<Direction, string>();
  for (const defs of sources.defs) {
    const def = ruleFor(key, defs);
    if (def && (def.summary === "min" || def.summary === "max")) {
      defined.set(def.summary, `define_metric("${def.name}", summary="${def.summary}")`);
    }
  }
  const byDefinition = agreed(defined);
  if (byDefinition !== undefined) return byDefinition;
  const goals = new Map<Direction, string>();
  for (const { name, goal } of sources.goals) {
    if (name === key) goals.set(goal === "minimize" ? "min" : "max", `the sweep's goal is to ${goal} ${name}`);
  }
  const byGoal = agreed(goals);
  if (byGoal !== undefined) return byGoal;
  return directionFromName(key);
}

/**
 * The best value of a summary row: runs with finite numbers compared in the key's direction.
 * Null when the direction is unknown, fewer than two runs have a number, or all numbers are equal.
 */
export function bestOf(
  key: string,
  values: readonly (JsonValue | undefined)[],
  sources: DirectionSources,
): BestMark | null {
  const numbers = values.flatMap((v, i) => (typeof v === "number" && Number.isFinite(v) ? [{ v, i }] : []));
  if (numbers.length < 2) return null;
  const direction = keyDirection(key, sources);
  if (!direction) return null;
  const pick = direction.direction === "min" ? Math.min : Math.max;
  const target = pick(...numbers.map((n) => n.v));
  if (numbers.every((n) => n.v === target)) return null;
  return { ...direction, best: numbers.filter((n) => n.v === target).map((n) => n.i) };
}
