// Which section a metric key belongs to, and the order sections are shown in.

/** The section of keys that have no "/" prefix. */
export const DEFAULT_SECTION = "Charts";

/** Sections about the machine rather than the model; shown after all the others. */
const SYSTEM_SECTIONS = new Set(["system", "sys", "gpu", "cpu", "memory", "mem", "disk", "network", "net", "proc"]);

const collator = new Intl.Collator("en", { numeric: true, sensitivity: "base" });

/** "train/loss" → "train"; "loss" and "/loss" → "Charts". */
export function sectionOf(key: string): string {
  const slash = key.indexOf("/");
  return slash > 0 ? key.slice(0, slash) : DEFAULT_SECTION;
}

export function isSystemSection(name: string): boolean {
  const lower = name.toLowerCase();
  return name.startsWith("_") || SYSTEM_SECTIONS.has(lower) || lower.startsWith("system");
}

/** Sections `run.watch(model)` fills: diagnostics, shown after the model's metrics. */
const WATCH_SECTIONS = new Set(["gradients", "parameters"]);

/** 0: the model's metrics, 1: `run.watch` diagnostics, 2: the machine. */
function sectionRank(name: string): number {
  if (isSystemSection(name)) return 2;
  return WATCH_SECTIONS.has(name) ? 1 : 0;
}

/** Sections a new layout starts collapsed: diagnostics and machine readings, open on demand. */
export function startsCollapsed(name: string): boolean {
  return sectionRank(name) > 0;
}

/** Alphabetical (case-insensitive, numbers by value); watch diagnostics, then system-ish, last. */
export function compareSections(a: string, b: string): number {
  const rank = sectionRank(a) - sectionRank(b);
  if (rank !== 0) return rank;
  return collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}

/** Natural order of keys: "layer2" before "layer10". */
export function compareKeys(a: string, b: string): number {
  return collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}

/** Keys that get a chart of their own: not the internal columns (_step, _runtime, _timestamp, ...). */
export function isChartableKey(key: string): boolean {
  return key.length > 0 && !key.startsWith("_");
}

export interface KeySection {
  name: string;
  keys: string[];
}

/** Chartable keys grouped into sections, sections and keys in display order. */
export function groupKeysBySection(keys: readonly string[]): KeySection[] {
  const sections = new Map<string, string[]>();
  for (const key of new Set(keys)) {
    if (!isChartableKey(key)) continue;
    const name = sectionOf(key);
    const list = sections.get(name);
    if (list) list.push(key);
    else sections.set(name, [key]);
  }
  return [...sections.entries()]
    .sort(([a], [b]) => compareSections(a, b))
    .map(([name, list]) => ({ name, keys: list.sort(compareKeys) }));
}
