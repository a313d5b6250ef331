import { Outlet, Route, Routes } from "react-router-dom";
import { ArtifactsPage } from "../features/artifacts/ArtifactsPage";
import { ComparePage } from "../features/compare/ComparePage";
import { ProjectsPage } from "../features/projects/ProjectsPage";
import { RunPage } from "../features/run/RunPage";
import { WorkspacePage } from "../features/runs/WorkspacePage";
import { SweepPage } from "../features/sweeps/SweepPage";
import { SweepsPage } from "../features/sweeps/SweepsPage";
import { NotFound } from "./NotFound";
import { TopBar } from "./TopBar";
import { useTheme } from "./theme";

function Shell() {
  const { theme, onToggle } = useTheme();
  return (
    <div className="app">
      <TopBar theme={theme} onToggleTheme={onToggle} />
      <main className="app-main">
        <Outlet />
      </main>
    </div>
  );
}

export function App() {
  return (
    <Routes>
      <Route element={<Shell />}>
        <Route index element={<ProjectsPage />} />
        <Route path="p/:project" element={<WorkspacePage />} />
        <Route path="p/:project/r/:runId" element={<RunPage />} />
        <Route path="p/:project/compare" element={<ComparePage />} />
        <Route path="p/:project/sweeps" element={<SweepsPage />} />
        <Route path="p/:project/sweeps/:sweepId" element={<SweepPage />} />
        <Route path="p/:project/artifacts" element={<ArtifactsPage />} />
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}
