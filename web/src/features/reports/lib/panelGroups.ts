// A report panel's runs as the workspace's charts see them: grouped by the panel's `group_by` with
// the workspace's rule (runs/state/grouping.ts) by exact values, each run in its group's colour;
// ungrouped, each run in its own colour. cairn/reports/groups.py names the LaTeX figure's groups
// by the same rule (panelGroups.json holds the cases both are tested with).
import { createContext } from "react";
import type { LineRun } from "../../charts/lib/chartLines";
import { type BinChoice, groupByValue, type RunGroup, valueText } from "../../runs/state/grouping";
import type { PanelKind, PanelRun } from "../api";

/** A report keeps no binning: a numeric key groups by its exact values. */
const EXACT: BinChoice = { mode: "values", count: 0 };

/** The panel's runs grouped by their `group` value (what the server read for `group_by`). */
export function panelGroups(runs: readonly PanelRun[]): RunGroup<PanelRun>[] {
  return groupByValue(
    runs,
    runs.map((r) => valueText(r.group ?? undefined)),
    runs.map((r) => (typeof r.group === "number" && Number.isFinite(r.group) ? r.group : null)),
    EXACT,
  );
}

/** The runs as chart lines take them: grouped (with `group_by`) in their group's name and colour. */
export function panelLineRuns(runs: readonly PanelRun[], grouped: boolean, colorOf: (run: PanelRun) => string): LineRun[] {
  if (!grouped) return runs.map((r) => ({ id: r.id, name: r.name, color: colorOf(r), group: null }));
  const groupOf = new Map<string, RunGroup<PanelRun>>();
  for (const group of panelGroups(runs)) for (const r of group.runs) groupOf.set(r.id, group);
  return runs.map((r) => {
    const group = groupOf.get(r.id);
    return { id: r.id, name: r.name, color: group?.color ?? colorOf(r), group: group?.value ?? null };
  });
}

/** The kinds a grouping changes: a line panel draws a line per group, the value panels show a group column. */
export const GROUPED_KINDS: readonly PanelKind[] = ["line", "scatter", "bar", "scalar", "table"];

/** How the workspace groups its runs, for "Add to report": the column, and whether its values are
 * in bins (a report groups by exact values, and the dialog says so). */
export interface WorkspaceGrouping {
  column: string;
  binned: boolean;
}

/** The workspace's grouping, for the "Add to report" dialogs below it; none (null): not grouped. */
export const WorkspaceGroupingContext = createContext<WorkspaceGrouping | null>(null);
