// Display of JSON config and summary values in tables.
import type { JsonValue } from "../api/types";

const NONFINITE: Record<string, string> = { NaN: "NaN", Infinity: "∞", "-Infinity": "-∞" };

/** A number in at most `digits` significant digits, exponent form for tiny or huge values. */
export function formatNumber(value: number, digits = 4): string {
  if (Number.isInteger(value) && Math.abs(value) < 1e15) return String(value);
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e6)) {
    return value.toExponential(Math.max(0, digits - 1)).replace(/\.?0+e/, "e");
  }
  return String(Number(value.toPrecision(digits)));
}

/** A config or summary value as short text; "NaN"/"Infinity" strings from the summary read as numbers. */
export function formatValue(value: JsonValue | undefined, isSummary = false): string {
  if (value === undefined || value === null) return "—";
  if (typeof value === "number") return formatNumber(value);
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "string") return isSummary && value in NONFINITE ? (NONFINITE[value] ?? value) : value;
  return JSON.stringify(value);
}

/** Whether a cell reads as a number (right-aligned, tabular figures). */
export function isNumeric(value: JsonValue | undefined, isSummary = false): boolean {
  return typeof value === "number" || (isSummary && typeof value === "string" && value in NONFINITE);
}

/** A summary value that was NaN or ±Infinity when logged. */
export function isNonFinite(value: JsonValue | undefined): boolean {
  return typeof value === "string" && value in NONFINITE;
}

/** The exact text of a value, for tooltips and equality. */
export function exactValue(value: JsonValue | undefined): string {
  if (value === undefined) return "(missing)";
  return typeof value === "string" ? value : JSON.stringify(value);
}
