import { lazy, Suspense, useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { Outlet, Route, Routes, useMatch } from "react-router-dom";
import { ComparePage } from "../features/compare/ComparePage";
import { ProjectsPage } from "../features/projects/ProjectsPage";
import { RunPage } from "../features/run/RunPage";
import { WorkspacePage } from "../features/runs/WorkspacePage";
import { LoginPage } from "../features/session/LoginPage";
import { SetupPage } from "../features/session/SetupPage";
import { meQuery } from "../features/session/queries";
import { NotFound } from "./NotFound";
import { TopBar } from "./TopBar";
import { useTheme } from "./theme";

// Pages that are not the first one most people open load on demand (their own chunks): the sweeps
// pages draw with ECharts, which the workspace and run pages do not download up front.
const SweepsPage = lazy(() => import("../features/sweeps/SweepsPage").then((m) => ({ default: m.SweepsPage })));
const SweepPage = lazy(() => import("../features/sweeps/SweepPage").then((m) => ({ default: m.SweepPage })));
const ReportsPage = lazy(() => import("../features/reports/ReportsPage").then((m) => ({ default: m.ReportsPage })));
const ReportPage = lazy(() => import("../features/reports/ReportPage").then((m) => ({ default: m.ReportPage })));
const ArtifactsPage = lazy(() => import("../features/artifacts/ArtifactsPage").then((m) => ({ default: m.ArtifactsPage })));
const KeysPage = lazy(() => import("../features/settings/KeysPage").then((m) => ({ default: m.KeysPage })));
const UsersPage = lazy(() => import("../features/settings/UsersPage").then((m) => ({ default: m.UsersPage })));
const ProjectSettingsPage = lazy(() =>
  import("../features/members/ProjectSettingsPage").then((m) => ({ default: m.ProjectSettingsPage })),
);

function Shell() {
  const { theme, onToggle } = useTheme();
  const me = useQuery(meQuery);
  // On a team server, signed out: the sign-in page, unless the reader chose public projects only.
  const [browsePublic, setBrowsePublic] = useState(false);
  const setup = useMatch("/setup") !== null;
  const signIn = me.data?.accounts === true && me.data.user === null && !browsePublic && !setup;
  return (
    <div className="app">
      <TopBar theme={theme} onToggleTheme={onToggle} me={signIn || setup ? undefined : me.data} />
      <main className="app-main">
        {me.isPending ? (
          <div className="page-message muted">Loading…</div>
        ) : setup ? (
          <SetupPage />
        ) : signIn ? (
          <LoginPage onBrowsePublic={() => setBrowsePublic(true)} />
        ) : (
          <Suspense fallback={<div className="page-message muted">Loading…</div>}>
            <Outlet />
          </Suspense>
        )}
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
        <Route path="p/:project/reports" element={<ReportsPage />} />
        <Route path="p/:project/reports/:reportId" element={<ReportPage />} />
        <Route path="settings/keys" element={<KeysPage />} />
        <Route path="settings/users" element={<UsersPage />} />
        <Route path="p/:project/settings" element={<ProjectSettingsPage />} />
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}
