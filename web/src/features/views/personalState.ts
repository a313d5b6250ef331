// What one viewer sets for themselves in a project's dashboard (smoothing, x axis, log y, collapsed
// chart sections), kept in this browser's localStorage, never in the project's shared views: one
// viewer's toggle does not change what another sees. The URL still overrides it (a link shows what
// its sender saw). Column widths, the split and opened media sections keep their own keys.
import { useCallback, useState } from "react";
import type { SavedSettings } from "../charts/state/layout";

const KEY = "cairn.personal.";

export interface PersonalState {
  /** chart settings: smoothing, x axis, log y */
  chart: SavedSettings;
  /** chart sections opened (false) or closed (true) by this viewer, by workspace key then section */
  collapsed: { [workspaceKey: string]: { [section: string]: boolean } };
}

export const NO_PERSONAL: PersonalState = { chart: {}, collapsed: {} };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The stored state, keeping only well-formed fields (storage is user-editable and may be stale). */
export function parsePersonal(text: string | null): PersonalState {
  let value: unknown;
  try {
    value = JSON.parse(text ?? "{}");
  } catch {
    return NO_PERSONAL;
  }
  if (!isRecord(value)) return NO_PERSONAL;
  const chart: SavedSettings = {};
  if (isRecord(value.chart)) {
    const { x, logy, smooth } = value.chart;
    if (typeof x === "string" && x) chart.x = x;
    if (typeof logy === "boolean") chart.logy = logy;
    if (typeof smooth === "number" && Number.isFinite(smooth)) chart.smooth = smooth;
  }
  const collapsed: PersonalState["collapsed"] = {};
  if (isRecord(value.collapsed)) {
    for (const [workspaceKey, sections] of Object.entries(value.collapsed)) {
      if (!isRecord(sections)) continue;
      const kept = Object.entries(sections).filter((e): e is [string, boolean] => typeof e[1] === "boolean");
      collapsed[workspaceKey] = Object.fromEntries(kept);
    }
  }
  return { chart, collapsed };
}

function load(project: string): PersonalState {
  try {
    return parsePersonal(localStorage.getItem(KEY + project));
  } catch {
    return NO_PERSONAL;
  }
}

/** This viewer's state in `project`, and the function that changes it (saved at once). */
export function usePersonalState(project: string): readonly [PersonalState, (change: (old: PersonalState) => PersonalState) => void] {
  const [state, setState] = useState(() => ({ project, value: load(project) }));
  const value = state.project === project ? state.value : load(project);
  const update = useCallback(
    (change: (old: PersonalState) => PersonalState) =>
      setState((old) => {
        const next = change(old.project === project ? old.value : load(project));
        try {
          localStorage.setItem(KEY + project, JSON.stringify(next));
        } catch {
          // storage full or disabled: the change holds for this page only
        }
        return { project, value: next };
      }),
    [project],
  );
  return [value, update] as const;
}
