// The saved panel layout: sections (collapsed or not) with their panels, merged with the metric keys.
import type { JsonValue } from "../../../api/types";
import { compareKeys, compareSections, groupKeysBySection, sectionOf, startsCollapsed } from "../lib/sections";

export type PanelWidth = 1 | 2 | 3;
export type PanelHeight = "s" | "m" | "l";

/** What a panel draws: metric lines over x (the default), or one value per run from config/summary. */
export type PanelKind = "line" | "scatter" | "bar" | "scalar";
export const PANEL_KINDS: readonly PanelKind[] = ["line", "scatter", "bar", "scalar"];

/** How a scalar panel reduces the visible runs' values to one number ("run": one run's value). */
export type Aggregation = "mean" | "min" | "max" | "last" | "run";
export const AGGREGATIONS: readonly Aggregation[] = ["mean", "min", "max", "last", "run"];

export type Extremes = "min" | "max";

/** Line-chart settings of one panel; each absent field follows the workspace. */
export interface LineSettings {
  /** a marker on every line at its minimum or maximum */
  extremes?: Extremes;
  /** fixed y range ends (either may be absent: that end follows the data) */
  ymin?: number;
  ymax?: number;
  logx?: boolean;
  /** smoothing of this panel, overriding the workspace's */
  smooth?: number;
}

/**
 * One panel. `keys` are metric keys for a line panel; for the other kinds they are value keys
 * ("config.lr", "summary.val/acc"): scatter [x, y], bar and scalar [key].
 */
export interface PanelLayout {
  id: string;
  keys: string[];
  w: PanelWidth;
  h: PanelHeight;
  /** created for a metric key automatically (deleting it remembers the key in `deleted`) */
  auto: boolean;
  /** absent: "line" (layouts saved before kinds existed keep loading) */
  kind?: PanelKind;
  line?: LineSettings;
  /** scatter: the value key that colours the points (absent: run colours) */
  colorBy?: string;
  /** scatter: logarithmic axes */
  logx?: boolean;
  logy?: boolean;
  /** scalar: how the runs' values become one number; "run" shows the value of `run` */
  agg?: Aggregation;
  run?: string;
}

export function panelKind(panel: PanelLayout): PanelKind {
  return panel.kind ?? "line";
}

export interface SectionLayout {
  name: string;
  collapsed: boolean;
  panels: PanelLayout[];
  /** keys whose automatic panel the user removed; they are not re-created */
  deleted: string[];
}

/** Chart settings a view was saved with (before they became each viewer's own, in the browser):
 * defaults under the viewer's; the URL overrides both. */
export interface SavedSettings {
  x?: string;
  logy?: boolean;
  smooth?: number;
}

export interface ChartsLayout {
  sections: SectionLayout[];
  settings: SavedSettings;
  /** ids of the panels pinned to the "Pinned" section at the top, in the order they were pinned */
  pinned: string[];
}

export const LAYOUT_VERSION = 1;
export const DEFAULT_WIDTH: PanelWidth = 1;
export const DEFAULT_HEIGHT: PanelHeight = "m";

export function emptyLayout(): ChartsLayout {
  return { sections: [], settings: {}, pinned: [] };
}

export function autoPanelId(key: string): string {
  return `auto:${key}`;
}

type JsonObject = { [key: string]: JsonValue };

function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function strings(value: JsonValue | undefined): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

function finite(value: JsonValue | undefined): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

function parseLine(value: JsonValue | undefined): LineSettings | undefined {
  if (!isObject(value)) return undefined;
  const line: LineSettings = {};
  if (value.extremes === "min" || value.extremes === "max") line.extremes = value.extremes;
  const ymin = finite(value.ymin);
  const ymax = finite(value.ymax);
  if (ymin !== undefined) line.ymin = ymin;
  if (ymax !== undefined && (ymin === undefined || ymax > ymin)) line.ymax = ymax;
  if (value.logx === true) line.logx = true;
  const smooth = finite(value.smooth);
  if (smooth !== undefined) line.smooth = smooth;
  return Object.keys(line).length > 0 ? line : undefined;
}

/** Keys a panel of `kind` needs at least. */
const MIN_KEYS: Record<PanelKind, number> = { line: 1, scatter: 2, bar: 1, scalar: 1 };

function parsePanel(value: JsonValue): PanelLayout | null {
  if (!isObject(value)) return null;
  const keys = strings(value.keys);
  const kind = PANEL_KINDS.find((k) => k === value.kind) ?? "line";
  if (typeof value.id !== "string" || keys.length < MIN_KEYS[kind]) return null;
  const w = value.w === 2 || value.w === 3 ? value.w : DEFAULT_WIDTH;
  const h = value.h === "s" || value.h === "l" ? value.h : DEFAULT_HEIGHT;
  const panel: PanelLayout = { id: value.id, keys, w, h, auto: value.auto === true };
  if (kind !== "line") panel.kind = kind;
  const line = parseLine(value.line);
  if (line && kind === "line") panel.line = line;
  if (typeof value.colorBy === "string" && value.colorBy) panel.colorBy = value.colorBy;
  if (value.logx === true) panel.logx = true;
  if (value.logy === true) panel.logy = true;
  const agg = AGGREGATIONS.find((a) => a === value.agg);
  if (agg) panel.agg = agg;
  if (typeof value.run === "string" && value.run) panel.run = value.run;
  return panel;
}

/** The saved form of a panel: the fields it has, nothing undefined. */
function serializePanel(p: PanelLayout): JsonObject {
  const out: JsonObject = { id: p.id, keys: [...p.keys], w: p.w, h: p.h, auto: p.auto };
  if (p.kind !== undefined && p.kind !== "line") out.kind = p.kind;
  if (p.line) {
    const line: JsonObject = {};
    for (const [k, v] of Object.entries(p.line)) if (v !== undefined) line[k] = v as JsonValue;
    if (Object.keys(line).length > 0) out.line = line;
  }
  if (p.colorBy !== undefined) out.colorBy = p.colorBy;
  if (p.logx) out.logx = true;
  if (p.logy) out.logy = true;
  if (p.agg !== undefined) out.agg = p.agg;
  if (p.run !== undefined) out.run = p.run;
  return out;
}

function parseSection(value: JsonValue): SectionLayout | null {
  if (!isObject(value) || typeof value.name !== "string") return null;
  const panels = Array.isArray(value.panels)
    ? value.panels.map(parsePanel).filter((p): p is PanelLayout => p !== null)
    : [];
  return { name: value.name, collapsed: value.collapsed === true, panels, deleted: strings(value.deleted) };
}

/** The layout stored in a workspace, tolerant of anything malformed (it becomes the empty layout). */
export function parseLayout(value: JsonValue | undefined): ChartsLayout {
  if (!isObject(value)) return emptyLayout();
  const sections = Array.isArray(value.sections)
    ? value.sections.map(parseSection).filter((s): s is SectionLayout => s !== null)
    : [];
  const settings: SavedSettings = {};
  if (isObject(value.settings)) {
    const { x, logy, smooth } = value.settings;
    if (typeof x === "string" && x) settings.x = x;
    if (typeof logy === "boolean") settings.logy = logy;
    if (typeof smooth === "number" && Number.isFinite(smooth)) settings.smooth = smooth;
  }
  return { sections, settings, pinned: [...new Set(strings(value.pinned))] };
}

export function serializeLayout(layout: ChartsLayout): JsonValue {
  const settings: JsonObject = {};
  if (layout.settings.x !== undefined) settings.x = layout.settings.x;
  if (layout.settings.logy !== undefined) settings.logy = layout.settings.logy;
  if (layout.settings.smooth !== undefined) settings.smooth = layout.settings.smooth;
  return {
    version: LAYOUT_VERSION,
    settings,
    pinned: [...layout.pinned],
    sections: layout.sections.map((s) => ({
      name: s.name,
      collapsed: s.collapsed,
      deleted: [...s.deleted],
      panels: s.panels.map(serializePanel),
    })),
  };
}

/**
 * How many panels a new layout opens before it starts the next sections collapsed: with thousands
 * of metric names the first screen shows the first sections' charts and the names of the others
 * (each opens with a click, and a search opens the sections it matches).
 */
export const DEFAULT_OPEN_PANELS = 50;

/**
 * The saved layout plus an automatic panel for every chartable key that has none yet (unless the
 * user deleted it), new sections for new prefixes, sections in display order. Saved panels are kept
 * even when the shown runs lack their keys (see `shownPanels`), so switching runs loses nothing.
 */
export function mergeLayout(saved: ChartsLayout, metricKeys: readonly string[]): ChartsLayout {
  const sections = new Map<string, SectionLayout>();
  for (const s of saved.sections) {
    if (!sections.has(s.name)) sections.set(s.name, { ...s, panels: [...s.panels], deleted: [...s.deleted] });
  }
  let open = 0;
  for (const { name, keys } of groupKeysBySection(metricKeys)) {
    let section = sections.get(name);
    if (!section) {
      // The sampler's machine readings start folded away: they are context, not results; and so do
      // the sections past the first DEFAULT_OPEN_PANELS panels.
      section = { name, collapsed: startsCollapsed(name) || open >= DEFAULT_OPEN_PANELS, panels: [], deleted: [] };
      sections.set(name, section);
    }
    const covered = new Set(section.panels.filter((p) => p.auto).map((p) => p.keys[0]));
    const deleted = new Set(section.deleted);
    for (const key of keys) {
      if (covered.has(key) || deleted.has(key)) continue;
      section.panels.push({ id: autoPanelId(key), keys: [key], w: DEFAULT_WIDTH, h: DEFAULT_HEIGHT, auto: true });
    }
    if (!section.collapsed) open += section.panels.length;
  }
  return {
    settings: saved.settings,
    pinned: saved.pinned,
    sections: [...sections.values()].sort((a, b) => compareSections(a.name, b.name)),
  };
}

/** The panels worth drawing for these keys: custom panels always, automatic ones when their key is logged. */
export function shownPanels(section: SectionLayout, metricKeys: ReadonlySet<string>): PanelLayout[] {
  return section.panels.filter((p) => !p.auto || p.keys.some((k) => metricKeys.has(k)));
}

function updateSection(
  layout: ChartsLayout,
  name: string,
  change: (section: SectionLayout) => SectionLayout,
): ChartsLayout {
  const exists = layout.sections.some((s) => s.name === name);
  const sections = exists
    ? layout.sections.map((s) => (s.name === name ? change(s) : s))
    : [...layout.sections, change({ name, collapsed: false, panels: [], deleted: [] })].sort((a, b) =>
        compareSections(a.name, b.name),
      );
  return { ...layout, sections };
}

function updatePanel(
  layout: ChartsLayout,
  section: string,
  panelId: string,
  change: (panel: PanelLayout) => PanelLayout,
): ChartsLayout {
  return updateSection(layout, section, (s) => ({
    ...s,
    panels: s.panels.map((p) => (p.id === panelId ? change(p) : p)),
  }));
}

/** Pins a panel to the top of the workspace, or unpins it. */
export function togglePin(layout: ChartsLayout, panelId: string): ChartsLayout {
  const pinned = layout.pinned.includes(panelId)
    ? layout.pinned.filter((id) => id !== panelId)
    : [...layout.pinned, panelId];
  return { ...layout, pinned };
}

/** The pinned panels that are shown, in pin order, each with the section it lives in. */
export function pinnedPanels(
  pinned: readonly string[],
  sections: readonly { name: string; shown: readonly PanelLayout[] }[],
): { section: string; panel: PanelLayout }[] {
  const where = new Map<string, { section: string; panel: PanelLayout }>();
  for (const s of sections) for (const panel of s.shown) where.set(panel.id, { section: s.name, panel });
  return pinned.flatMap((id) => where.get(id) ?? []);
}

/** Removes a panel (and its pin); an automatic panel's key is remembered so it is not re-created. */
export function removePanel(layout: ChartsLayout, section: string, panelId: string): ChartsLayout {
  const unpinned = layout.pinned.includes(panelId) ? { ...layout, pinned: layout.pinned.filter((id) => id !== panelId) } : layout;
  return updateSection(unpinned, section, (s) => {
    const panel = s.panels.find((p) => p.id === panelId);
    const key = panel?.auto ? panel.keys[0] : undefined;
    return {
      ...s,
      panels: s.panels.filter((p) => p.id !== panelId),
      deleted: key !== undefined && !s.deleted.includes(key) ? [...s.deleted, key] : s.deleted,
    };
  });
}

let counter = 0;

/** A fresh id for a user-made panel. */
export function newPanelId(): string {
  counter += 1;
  return `p-${Date.now().toString(36)}-${counter.toString(36)}`;
}

/** Adds a panel of `keys` at the end of `section` (by default the section of its first key). */
export function addPanel(
  layout: ChartsLayout,
  keys: readonly string[],
  section?: string,
  id: string = newPanelId(),
): ChartsLayout {
  const first = keys[0];
  if (first === undefined) return layout;
  const name = section ?? sectionOf(first);
  const panel: PanelLayout = { id, keys: [...keys], w: DEFAULT_WIDTH, h: DEFAULT_HEIGHT, auto: false };
  return updateSection(layout, name, (s) => ({ ...s, collapsed: false, panels: [...s.panels, panel] }));
}

/** Changes a panel's keys; an automatic panel becomes a user panel and its key stays covered. */
export function setPanelKeys(
  layout: ChartsLayout,
  section: string,
  panelId: string,
  keys: readonly string[],
): ChartsLayout {
  if (keys.length === 0) return removePanel(layout, section, panelId);
  const panel = layout.sections.find((s) => s.name === section)?.panels.find((p) => p.id === panelId);
  if (!panel) return layout;
  const unique = [...new Set(keys)];
  if (panel.auto && unique.length === 1 && unique[0] === panel.keys[0]) return layout;
  const next = updatePanel(layout, section, panelId, (p) => ({ ...p, keys: unique, auto: false }));
  const original = panel.auto ? panel.keys[0] : undefined;
  if (original === undefined) return next;
  return updateSection(next, section, (s) =>
    s.deleted.includes(original) ? s : { ...s, deleted: [...s.deleted, original] },
  );
}

export function resizePanel(
  layout: ChartsLayout,
  section: string,
  panelId: string,
  w: PanelWidth,
  h: PanelHeight,
): ChartsLayout {
  return updatePanel(layout, section, panelId, (p) => ({ ...p, w, h }));
}

/** A new panel of another kind than "line" (its fields, without id and size). */
export type PanelSpec = Omit<PanelLayout, "id" | "w" | "h" | "auto">;

/** Adds a panel of any kind at the end of `section`. */
export function addKindPanel(layout: ChartsLayout, spec: PanelSpec, section: string, id: string = newPanelId()): ChartsLayout {
  if (spec.keys.length < MIN_KEYS[spec.kind ?? "line"]) return layout;
  const panel: PanelLayout = { ...spec, keys: [...spec.keys], id, w: DEFAULT_WIDTH, h: DEFAULT_HEIGHT, auto: false };
  if (panel.kind === "line") delete panel.kind;
  return updateSection(layout, section, (s) => ({ ...s, collapsed: false, panels: [...s.panels, panel] }));
}

/** New values for a panel's settings (undefined removes one). */
export type PanelPatch = Partial<Omit<PanelLayout, "id" | "keys" | "w" | "h" | "auto" | "kind">>;

/** Changes the fields of a panel other than its id, keys and size (settings of its kind). */
export function updatePanelSettings(layout: ChartsLayout, section: string, panelId: string, patch: PanelPatch): ChartsLayout {
  return updatePanel(layout, section, panelId, (p) => {
    const next: PanelLayout = { ...p, ...patch };
    for (const key of Object.keys(patch) as (keyof typeof patch)[]) if (patch[key] === undefined) delete next[key];
    return next;
  });
}

/** Moves a panel to the place of `targetId` in its section (the others shift along). */
export function movePanel(layout: ChartsLayout, section: string, panelId: string, targetId: string): ChartsLayout {
  if (panelId === targetId) return layout;
  const s = layout.sections.find((x) => x.name === section);
  const from = s?.panels.findIndex((p) => p.id === panelId) ?? -1;
  const to = s?.panels.findIndex((p) => p.id === targetId) ?? -1;
  if (!s || from < 0 || to < 0) return layout;
  const panels = [...s.panels];
  const [moved] = panels.splice(from, 1);
  if (!moved) return layout;
  panels.splice(to, 0, moved);
  return updateSection(layout, section, (x) => ({ ...x, panels }));
}

/** Keys in natural order, for pickers. */
export function sortedKeys(keys: Iterable<string>): string[] {
  return [...new Set(keys)].sort(compareKeys);
}
