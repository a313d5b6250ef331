// The run page's tabs, as data: a later tab (Logs, System, Media, Files, Artifacts, Reproducibility)
// is one more entry here, shown only when `available` says the run has something for it.
import { lazy, type ReactNode, Suspense } from "react";
import type { RunDetail } from "../../api/types";
import { ChartsPane } from "../../components/ChartsPane";
import { runColor } from "../../lib/colors";
import { ReportRunSetContext, runsRunSet } from "../reports/lib/runSet";
import { SystemTab } from "../system/SystemTab";
import { hasSystemMetrics } from "../system/systemCharts";
import { LogsTab } from "./components/LogsTab";
import { OverviewTab } from "./components/OverviewTab";
import { ReproducibilityTab } from "./components/ReproducibilityTab";

// Media (images, ECharts histograms and plots) and Artifacts load when their tab is first opened.
const MediaTab = lazy(() => import("../media/MediaTab").then((m) => ({ default: m.MediaTab })));
const RunArtifactsTab = lazy(() => import("../artifacts/RunArtifactsTab").then((m) => ({ default: m.RunArtifactsTab })));

function Loading(): ReactNode {
  return <p className="muted">Loading…</p>;
}

export interface RunTab {
  id: string;
  label: string;
  available: (run: RunDetail) => boolean;
  render: (run: RunDetail) => ReactNode;
  count?: (run: RunDetail) => number | null;
}

export const RUN_TABS: RunTab[] = [
  { id: "overview", label: "Overview", available: () => true, render: (run) => <OverviewTab run={run} /> },
  {
    id: "charts",
    label: "Charts",
    available: () => true,
    count: (run) => run.metric_keys.length || null,
    render: (run) => (
      // a panel added to a report from here shows this run
      <ReportRunSetContext.Provider value={runsRunSet([run])}>
        <ChartsPane
          project={run.project}
          runs={[{ id: run.id, name: run.name, color: runColor(run), group: null }]}
          grouped={false}
          workspaceKey="run"
        />
      </ReportRunSetContext.Provider>
    ),
  },
  {
    id: "system",
    label: "System",
    available: (run) => hasSystemMetrics(run.metric_keys),
    render: (run) => <SystemTab run={run} />,
  },
  {
    id: "media",
    label: "Media",
    available: (run) => (run.media_count ?? 0) > 0,
    count: (run) => run.media_count || null,
    render: (run) => (
      <Suspense fallback={<Loading />}>
        <MediaTab run={run} />
      </Suspense>
    ),
  },
  { id: "logs", label: "Logs", available: () => true, render: (run) => <LogsTab run={run} /> },
  {
    id: "artifacts",
    label: "Artifacts",
    available: () => true,
    render: (run) => (
      <Suspense fallback={<Loading />}>
        <RunArtifactsTab run={run} />
      </Suspense>
    ),
  },
  {
    id: "reproducibility",
    label: "Reproducibility",
    available: () => true,
    render: (run) => <ReproducibilityTab run={run} />,
  },
];
