// A compare panel's cells (row key → value, per run, as the server reads or froze them) split into
// the compare page's tables: config, summary, and the run's capture facts (git commit, Python…).
import type { JsonValue } from "../../../api/types";

/** Runs a compare panel shows at most (cairn.reports.compare_keys.MAX_RUNS: the palette's 24
 * colours; tests/reports/test_compare_panel.py checks the two agree). */
export const MAX_COMPARE_RUNS = 24;

/** The sections in the order the panel shows them: the row keys' prefix, and the table's title. */
export const COMPARE_SECTIONS = [
  { prefix: "config.", title: "Config", noun: "config key" },
  { prefix: "summary.", title: "Summary", noun: "summary key" },
  { prefix: "run.", title: "Run", noun: "run fact" },
] as const;

/** Whether the panel's `keys` show row `key`: a key names itself and the keys under it; none: all. */
export function keyChosen(key: string, keys: readonly string[]): boolean {
  return keys.length === 0 || keys.some((k) => key === k || key.startsWith(`${k}.`));
}

/** One run's cells under `prefix`, without it (as the compare page names keys), that `keys` choose. */
export function sectionRecord(values: Record<string, JsonValue>, prefix: string, keys: readonly string[]): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {};
  for (const [key, value] of Object.entries(values)) {
    if (key.startsWith(prefix) && keyChosen(key, keys)) out[key.slice(prefix.length)] = value;
  }
  return out;
}
