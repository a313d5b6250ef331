// What the workspace shows, derived from the URL state and the loaded pages.
import { useMemo } from "react";
import type { RunRow } from "../../../api/types";
import { runColor, useRunColorsVersion } from "../../../lib/colors";
import type { ChartRun } from "../../../components/ChartsPane";
import { decodeBinChoice } from "./binning";
import { displayRows, groupRuns, type DisplayRow } from "./grouping";
import type { WorkspaceState } from "./urlState";
import { isVisible } from "./visibility";

export interface RunsView {
  rows: DisplayRow[];
  order: string[]; // run ids in display order (for shift-click ranges)
  visible: ReadonlySet<string>;
  selected: ReadonlySet<string>;
  chartRuns: ChartRun[];
}

export function useRunsView(runs: RunRow[], state: WorkspaceState): RunsView {
  const hideKey = state.hide.join(",");
  const showKey = state.show.join(",");
  const foldKey = state.fold.join("\u0000");
  const selectKey = state.select.join(",");
  const { group } = state;
  const binKey = state.bin;

  const visible = useMemo(() => {
    const v = { hide: hideKey ? hideKey.split(",") : [], show: showKey ? showKey.split(",") : [] };
    return new Set(runs.filter((run, i) => isVisible(run.id, i, v)).map((run) => run.id));
  }, [runs, hideKey, showKey]);

  const rows = useMemo(
    () => displayRows(runs, group, new Set(foldKey ? foldKey.split("\u0000") : []), decodeBinChoice(binKey)),
    [runs, group, foldKey, binKey],
  );

  const order = useMemo(() => rows.flatMap((row) => (row.kind === "run" ? [row.run.id] : [])), [rows]);

  const selected = useMemo(() => new Set(selectKey ? selectKey.split(",") : []), [selectKey]);

  // Grouped, a run is drawn in its group's colour (the charts draw one line per group).
  const colorsVersion = useRunColorsVersion(); // a chosen colour redraws the lines
  const chartRuns = useMemo(() => {
    const groupOf = new Map<string, { value: string; color: string }>();
    if (group) for (const g of groupRuns(runs, group, decodeBinChoice(binKey))) for (const r of g.runs) groupOf.set(r.id, g);
    return runs
      .filter((run) => visible.has(run.id))
      .map((run) => {
        const g = groupOf.get(run.id);
        return { id: run.id, name: run.name, color: g?.color ?? runColor(run), group: g ? g.value : null };
      });
  }, [runs, visible, group, binKey, colorsVersion]);

  return { rows, order, visible, selected, chartRuns };
}
