// The workspace's right pane: the charts of the visible runs, or their analysis (parallel
// coordinates and parameter importance), switched by tabs and kept in the URL (?view=analysis).
import { type JSX, lazy, Suspense } from "react";
import type { RunRow } from "../../../api/types";
import { type ChartRun, ChartsPane } from "../../../components/ChartsPane";
import { ViewsMenu } from "../../views/ViewsMenu";
import type { WorkspaceView } from "../state/urlState";

interface ViewTabsProps {
  project: string;
  view: WorkspaceView;
  /** the charted runs (visible, coloured) and the same runs' rows for the analysis */
  chartRuns: ChartRun[];
  rows: RunRow[];
  grouped: boolean;
  /** runs selected in the table: media panels draw these first */
  selected?: readonly string[];
  /** why there is nothing to chart (a bad filter), shown instead of the charts; null: chart */
  blocked?: string | null;
  onViewChange: (view: WorkspaceView) => void;
}

// ECharts is big: load it when the Analysis tab is first opened, not with the runs table.
const AnalysisView = lazy(() => import("../../analysis").then((m) => ({ default: m.AnalysisView })));

const TABS: { id: WorkspaceView; label: string }[] = [
  { id: "charts", label: "Charts" },
  { id: "analysis", label: "Analysis" },
];

export function ViewTabs({ project, view, chartRuns, rows, grouped, selected, blocked = null, onViewChange }: ViewTabsProps): JSX.Element {
  return (
    <div className="workspace-views">
      <nav className="tabs workspace-tabs" role="tablist" data-testid="workspace-tabs">
        {TABS.map((tab) => (
          <button
            key={tab.id}
            type="button"
            role="tab"
            aria-selected={view === tab.id}
            className={`tab${view === tab.id ? " active" : ""}`}
            onClick={() => onViewChange(tab.id)}
          >
            {tab.label}
          </button>
        ))}
        <ViewsMenu project={project} />
      </nav>
      {blocked ? (
        <div className="charts-pane">
          <p className="cc-note" data-testid="charts-blocked">
            {blocked}
          </p>
        </div>
      ) : view === "charts" ? (
        <ChartsPane project={project} runs={chartRuns} grouped={grouped} values={rows} media selected={selected} />
      ) : (
        <div className="charts-pane analysis-pane" data-testid="analysis-pane" data-run-count={rows.length}>
          <Suspense fallback={<p className="cc-note">Loading analysis…</p>}>
            <AnalysisView project={project} runs={rows} persist="url" />
          </Suspense>
        </div>
      )}
    </div>
  );
}
