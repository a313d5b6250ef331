import { Link, NavLink, useMatch } from "react-router-dom";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../api/client";
import type { Me } from "../api/types";
import { SettingsLink } from "../features/members/SettingsLink";
import { reportQuery } from "../features/reports/queries";
import { runQuery } from "../features/run/state/queries";
import type { Theme } from "./theme";

interface TopBarProps {
  theme: Theme;
  onToggleTheme: () => void;
  /** who is signed in (undefined while loading, and on the sign-in page) */
  me?: Me;
}

/** The signed-in user (their API keys), Users for a server admin, and Sign out, on a team
 * server; nothing on `cairn ui`. */
function SessionControls({ me }: { me: Me }) {
  const queryClient = useQueryClient();
  if (!me.accounts) return null;
  if (me.user === null) {
    return (
      <button type="button" className="link-button" onClick={() => location.assign("/")} data-testid="sign-in">
        Sign in
      </button>
    );
  }
  return (
    <>
      <Link to="/settings/keys" className="topbar-user" title="Your API keys" data-testid="signed-in-user">
        {me.user}
      </Link>
      {me.is_admin && (
        <Link to="/settings/users" className="topbar-link" title="Users and their API keys (server admins)" data-testid="nav-users">
          Users
        </Link>
      )}
      <button
        type="button"
        className="link-button"
        data-testid="sign-out"
        onClick={async () => {
          await api.logout();
          await queryClient.resetQueries();
        }}
      >
        Sign out
      </button>
    </>
  );
}

function RunCrumb({ project, runId }: { project: string; runId: string }) {
  const run = useQuery(runQuery(project, runId));
  return <span className="crumb-current">{run.data?.name ?? runId}</span>;
}

function ReportCrumb({ project, reportId }: { project: string; reportId: string }) {
  const report = useQuery(reportQuery(project, reportId));
  return <span className="crumb-current">{report.data?.title ?? reportId}</span>;
}

export function TopBar({ theme, onToggleTheme, me }: TopBarProps) {
  const projectMatch = useMatch("/p/:project/*");
  const runMatch = useMatch("/p/:project/r/:runId");
  const compareMatch = useMatch("/p/:project/compare");
  const sweepsMatch = useMatch("/p/:project/sweeps/*");
  const sweepId = sweepsMatch?.params["*"] || undefined;
  const artifactsMatch = useMatch("/p/:project/artifacts");
  const keysMatch = useMatch("/settings/keys");
  const usersMatch = useMatch("/settings/users");
  const reportsMatch = useMatch("/p/:project/reports/*");
  const reportId = reportsMatch?.params["*"] || undefined;
  const settingsMatch = useMatch("/p/:project/settings");
  const project = projectMatch?.params.project;
  const runId = runMatch?.params.runId;

  return (
    <header className="topbar" data-testid="topbar">
      <Link to="/" className="logo" aria-label="Cairn home">
        <span className="logo-mark" aria-hidden>
          ▲
        </span>
        cairn
      </Link>
      <nav className="breadcrumb" aria-label="Breadcrumb" data-testid="breadcrumb">
        <Link to="/">Projects</Link>
        {keysMatch && (
          <>
            <span className="crumb-sep">›</span>
            <span className="crumb-current">API keys</span>
          </>
        )}
        {usersMatch && (
          <>
            <span className="crumb-sep">›</span>
            <span className="crumb-current">Users</span>
          </>
        )}
        {project && (
          <>
            <span className="crumb-sep">›</span>
            {runId || compareMatch || sweepsMatch || artifactsMatch || reportsMatch || settingsMatch ? (
              <Link to={`/p/${encodeURIComponent(project)}`}>{project}</Link>
            ) : (
              <span className="crumb-current">{project}</span>
            )}
          </>
        )}
        {project && runId && (
          <>
            <span className="crumb-sep">›</span>
            <RunCrumb project={project} runId={runId} />
          </>
        )}
        {project && compareMatch && (
          <>
            <span className="crumb-sep">›</span>
            <span className="crumb-current">Compare</span>
          </>
        )}
        {project && sweepsMatch && (
          <>
            <span className="crumb-sep">›</span>
            {sweepId ? (
              <>
                <Link to={`/p/${encodeURIComponent(project)}/sweeps`}>Sweeps</Link>
                <span className="crumb-sep">›</span>
                <span className="crumb-current">{sweepId}</span>
              </>
            ) : (
              <span className="crumb-current">Sweeps</span>
            )}
          </>
        )}
        {project && reportsMatch && (
          <>
            <span className="crumb-sep">›</span>
            {reportId ? (
              <>
                <Link to={`/p/${encodeURIComponent(project)}/reports`}>Reports</Link>
                <span className="crumb-sep">›</span>
                <ReportCrumb project={project} reportId={reportId} />
              </>
            ) : (
              <span className="crumb-current">Reports</span>
            )}
          </>
        )}
        {project && artifactsMatch && (
          <>
            <span className="crumb-sep">›</span>
            <span className="crumb-current">Artifacts</span>
          </>
        )}
        {project && settingsMatch && (
          <>
            <span className="crumb-sep">›</span>
            <span className="crumb-current">Settings</span>
          </>
        )}
      </nav>
      {project && (
        <nav className="project-nav" aria-label="Project" data-testid="project-nav">
          <NavLink to={`/p/${encodeURIComponent(project)}`} end>
            Runs
          </NavLink>
          <NavLink to={`/p/${encodeURIComponent(project)}/sweeps`} data-testid="nav-sweeps">
            Sweeps
          </NavLink>
          <NavLink to={`/p/${encodeURIComponent(project)}/artifacts`} data-testid="nav-artifacts">
            Artifacts
          </NavLink>
          <NavLink to={`/p/${encodeURIComponent(project)}/reports`} data-testid="nav-reports">
            Reports
          </NavLink>
          <SettingsLink project={project} me={me} />
        </nav>
      )}
      <div className="topbar-right">
        {me && <SessionControls me={me} />}
        <a className="topbar-link" href="/api/docs" target="_blank" rel="noreferrer">
          API
        </a>
        <button
          type="button"
          className="icon-button"
          onClick={onToggleTheme}
          data-testid="theme-toggle"
          title={theme === "dark" ? "Switch to light theme" : "Switch to dark theme"}
          aria-label="Toggle theme"
        >
          {theme === "dark" ? "☀" : "☾"}
        </button>
      </div>
    </header>
  );
}
