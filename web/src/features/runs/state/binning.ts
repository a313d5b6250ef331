// Bins for grouping runs by a numeric key: a group per float is useless, a group per range is not.

/** How a numeric key is grouped: by exact value, by quantile ranges, by ranges even on a log scale,
 * or "auto": exact values when there are few, else log bins for a key spanning orders of magnitude
 * (a learning rate), else quantile bins. */
export type BinMode = "auto" | "values" | "quantile" | "log";

export const BIN_MODES: readonly BinMode[] = ["auto", "values", "quantile", "log"];
export const BIN_COUNTS: readonly number[] = [2, 3, 4, 5, 6, 8, 10];
export const DEFAULT_BINS = 4;

export interface Bin {
  label: string; // "0.01–0.03" (2 significant digits, more when needed to tell bins apart), or "0.1" for one value
  lo: number; // smallest member value
  hi: number; // largest member value
}

export interface Binning {
  bins: Bin[]; // in numeric order
  binOf: (value: number) => number; // index into bins for a value that was binned
}

/** Numbers written short: `digits` significant digits, no trailing zeros, exponent for tiny or huge ones. */
export function formatBound(value: number, digits = 3): string {
  if (value === 0) return "0";
  const abs = Math.abs(value);
  if (abs < 1e-4 || abs >= 1e6) return value.toExponential(digits - 1).replace(/\.?0+e/, "e");
  return String(Number(value.toPrecision(digits)));
}

function label(lo: number, hi: number, digits: number): string {
  const a = formatBound(lo, digits);
  const b = formatBound(hi, digits);
  return a === b ? a : `${a}–${b}`;
}

/** Labels as short as they can be while every bin keeps a label of its own (a group is named by it). */
function labels(ranges: readonly { lo: number; hi: number }[]): string[] {
  for (let digits = 2; digits < 17; digits++) {
    const out = ranges.map((r) => label(r.lo, r.hi, digits));
    if (new Set(out).size === out.length) return out;
  }
  return ranges.map((r) => `${r.lo}–${r.hi}`);
}

/** True when a key's values are all positive and span two or more orders of magnitude. */
export function spansOrders(values: readonly number[]): boolean {
  if (values.length === 0 || values.some((v) => v <= 0)) return false;
  return Math.max(...values) / Math.min(...values) >= 100;
}

/** The mode "auto" resolves to for these values and bin count. */
export function resolveMode(mode: BinMode, values: readonly number[], count: number): Exclude<BinMode, "auto"> {
  if (mode !== "auto") return mode;
  if (new Set(values).size <= count) return "values";
  return spansOrders(values) ? "log" : "quantile";
}

function fromAssignment(sorted: readonly number[], binIndex: readonly number[]): Binning {
  // Bins labelled by the values they hold (not by their edges), so a label never promises runs
  // that are not there; empty bins are dropped.
  const ranges = new Map<number, { lo: number; hi: number }>();
  sorted.forEach((v, i) => {
    const b = binIndex[i] as number;
    const r = ranges.get(b);
    if (!r) ranges.set(b, { lo: v, hi: v });
    else r.hi = v;
  });
  const order = [...ranges.keys()].sort((a, b) => a - b).map((b) => ranges.get(b) as { lo: number; hi: number });
  const names = labels(order);
  const bins = order.map(({ lo, hi }, i) => ({ label: names[i] as string, lo, hi }));
  return {
    bins,
    binOf: (value) => {
      const i = bins.findIndex((bin) => value <= bin.hi);
      return i < 0 ? bins.length - 1 : i;
    },
  };
}

/** Quantile bins: about the same number of runs in each, and equal values always in one bin. */
function quantileBins(sorted: readonly number[], count: number): number[] {
  const n = sorted.length;
  const out: number[] = [];
  let bin = 0;
  for (let i = 0; i < n; i++) {
    // Close the bin once it holds its share, but only between two different values.
    if (i > 0 && sorted[i] !== sorted[i - 1] && i >= (n * (bin + 1)) / count && bin < count - 1) bin++;
    out.push(bin);
  }
  return out;
}

/** Bins of equal width in log10 between the smallest and largest value (values must be positive). */
function logBins(sorted: readonly number[], count: number): number[] {
  const lo = Math.log10(sorted[0] as number);
  const hi = Math.log10(sorted[sorted.length - 1] as number);
  const width = (hi - lo) / count;
  return sorted.map((v) => (width > 0 ? Math.min(count - 1, Math.floor((Math.log10(v) - lo) / width + 1e-9)) : 0));
}

/** Bins for these values; null when they are grouped by exact value. Log bins need positive values
 * and fall back to quantile bins otherwise. */
export function binValues(values: readonly number[], mode: BinMode, count: number): Binning | null {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return null;
  const resolved = resolveMode(mode, finite, count);
  if (resolved === "values") return null;
  const sorted = [...finite].sort((a, b) => a - b);
  const useLog = resolved === "log" && (sorted[0] as number) > 0;
  return fromAssignment(sorted, useLog ? logBins(sorted, count) : quantileBins(sorted, count));
}

/** The URL form of a choice: "log-5", "quantile-4", "values"; null for auto with the default count. */
export function encodeBinChoice(mode: BinMode, count: number): string | null {
  if (mode === "values") return "values";
  if (mode === "auto" && count === DEFAULT_BINS) return null;
  return `${mode}-${count}`;
}

/** Reads `encodeBinChoice`'s form; anything unknown reads as auto with the default count. */
export function decodeBinChoice(text: string | null): { mode: BinMode; count: number } {
  const [mode, count] = (text ?? "").split("-");
  const known = BIN_MODES.find((m) => m === mode) ?? "auto";
  const n = Number(count);
  return { mode: known, count: BIN_COUNTS.includes(n) ? n : DEFAULT_BINS };
}
