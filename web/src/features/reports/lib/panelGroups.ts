// A report panel's runs as the workspace's charts see them: grouped by the panel's `group_by` with
// the workspace's rule (runs/state/grouping.ts), a numeric key by exact values or in the bins of
// `group_bins`, each run in its group's colour;
// ungrouped, each run in its own colour. cairn/reports/groups.py names the LaTeX figure's groups
// by the same rule (panelGroups.json holds the cases both are tested with).
import { createContext } from "react";
import type { LineRun } from "../../charts/lib/chartLines";
import { decodeBinChoice, encodeBinChoice } from "../../runs/state/binning";
import { type BinChoice, groupByValue, type RunGroup, valueText } from "../../runs/state/grouping";
import type { PanelKind, PanelRun } from "../api";

/** A panel without `group_bins` groups a numeric key by its exact values. */
const EXACT: BinChoice = { mode: "values", count: 0 };

/** A panel's `group_bins` as the workspace's bin choice. */
export function panelBinning(bins: string | null | undefined): BinChoice {
  return bins ? decodeBinChoice(bins) : EXACT;
}

/** A workspace bin choice as a panel's `group_bins`, written out ("auto-4", not the URL's absent). */
export function groupBins(choice: BinChoice): string {
  return encodeBinChoice(choice.mode, choice.count) ?? `${choice.mode}-${choice.count}`;
}

/** A panel's bins in words, as the workspace's bins select names them: "quantile × 4", "auto bins (4)". */
export function binsText(bins: string): string {
  const { mode, count } = decodeBinChoice(bins);
  return mode === "values" ? "exact values" : mode === "auto" ? `auto bins (${count})` : `${mode} × ${count}`;
}

/** The panel's runs grouped by their `group` value (what the server read for `group_by`). */
export function panelGroups(runs: readonly PanelRun[], bins?: string | null): RunGroup<PanelRun>[] {
  return groupByValue(
    runs,
    runs.map((r) => valueText(r.group ?? undefined)),
    runs.map((r) => (typeof r.group === "number" && Number.isFinite(r.group) ? r.group : null)),
    panelBinning(bins),
  );
}

/** The runs as chart lines take them: grouped (with `group_by`) in their group's name and colour. */
export function panelLineRuns(
  runs: readonly PanelRun[],
  grouped: boolean,
  colorOf: (run: PanelRun) => string,
  bins?: string | null,
): LineRun[] {
  if (!grouped) return runs.map((r) => ({ id: r.id, name: r.name, color: colorOf(r), group: null }));
  const groupOf = new Map<string, RunGroup<PanelRun>>();
  for (const group of panelGroups(runs, bins)) for (const r of group.runs) groupOf.set(r.id, group);
  return runs.map((r) => {
    const group = groupOf.get(r.id);
    return { id: r.id, name: r.name, color: group?.color ?? colorOf(r), group: group?.value ?? null };
  });
}

/** The kinds a grouping changes: a line panel draws a line per group, the value panels show a group column. */
export const GROUPED_KINDS: readonly PanelKind[] = ["line", "scatter", "bar", "scalar", "table"];

/** How the workspace groups its runs, for "Add to report": the column, and for a numeric one its
 * bins (a panel's `group_bins`; null: the column is not numeric). */
export interface WorkspaceGrouping {
  column: string;
  bins: string | null;
}

/** The workspace's grouping, for the "Add to report" dialogs below it; none (null): not grouped. */
export const WorkspaceGroupingContext = createContext<WorkspaceGrouping | null>(null);
