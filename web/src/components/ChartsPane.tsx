// The charts of a view: PanelGrid, wrapped so tests and users can see how many runs it draws.
import { PanelGrid, type ChartRun, type RunValues } from "../features/charts/PanelGrid";

export type { ChartRun, RunValues };

interface ChartsPaneProps {
  project: string;
  runs: ChartRun[];
  grouped: boolean;
  /** the runs' config and summary, for scatter, bar and scalar panels */
  values?: readonly RunValues[];
  workspaceKey?: string;
  /** also draw the runs' media keys after the line charts (the workspace and compare pages) */
  media?: boolean;
  /** runs selected in the table: media panels draw these first */
  selected?: readonly string[];
}

export function ChartsPane({ project, runs, grouped, values, workspaceKey, media, selected }: ChartsPaneProps) {
  return (
    <div className="charts-pane" data-testid="charts-pane" data-run-count={runs.length} data-grouped={grouped}>
      <PanelGrid project={project} runs={runs} grouped={grouped} values={values} workspaceKey={workspaceKey} media={media} selected={selected} />
    </div>
  );
}
