// The charts of a view: PanelGrid, wrapped so tests and users can see how many runs it draws.
import { PanelGrid, type ChartRun } from "../features/charts/PanelGrid";

export type { ChartRun };

interface ChartsPaneProps {
  project: string;
  runs: ChartRun[];
  grouped: boolean;
  workspaceKey?: string;
  /** also draw the runs' media keys after the line charts (the workspace and compare pages) */
  media?: boolean;
  /** runs selected in the table: media panels draw these first */
  selected?: readonly string[];
}

export function ChartsPane({ project, runs, grouped, workspaceKey, media, selected }: ChartsPaneProps) {
  return (
    <div className="charts-pane" data-testid="charts-pane" data-run-count={runs.length} data-grouped={grouped}>
      <PanelGrid project={project} runs={runs} grouped={grouped} workspaceKey={workspaceKey} media={media} selected={selected} />
    </div>
  );
}
