import { useQuery } from "@tanstack/react-query";
import { Link, useNavigate } from "react-router-dom";
import { LogSnippet } from "../../components/LogSnippet";
import { absoluteTime, relativeTime } from "../../lib/time";
import { useNow } from "../../lib/useNow";
import { meQuery } from "../session/queries";
import { projectsQuery } from "./queries";

export function ProjectsPage() {
  const projects = useQuery(projectsQuery());
  const me = useQuery(meQuery).data;
  const navigate = useNavigate();
  const now = useNow();

  if (projects.isPending) return <div className="page-message muted">Loading projects…</div>;
  if (projects.isError) return <div className="page-message error-text">{projects.error.message}</div>;

  const list = [...projects.data].sort(
    (a, b) => (b.last_activity ?? b.created_at) - (a.last_activity ?? a.created_at),
  );

  return (
    <div className="page projects-page">
      <div className="page-header">
        <h1>Projects</h1>
        <span className="muted">{list.length === 1 ? "1 project" : `${list.length} projects`}</span>
      </div>
      {list.length === 0 && me?.accounts ? (
        <div className="empty-state" data-testid="projects-empty">
          <h2>No projects you can see</h2>
          <p className="muted">
            {me.user === null
              ? "Signed out, only public projects show: sign in to see yours."
              : me.is_admin
                ? `No project on this server yet: log a run to it from any machine with cairn login ${window.location.origin}, then cairn.init(project=...).`
                : `${me.user} has no role on any project yet: a project admin adds ${me.user} in the project's Settings (a server admin also can, with cairn admin user grant ${me.user} PROJECT viewer).`}
          </p>
        </div>
      ) : list.length === 0 ? (
        <div className="empty-state" data-testid="projects-empty">
          <h2>
            No projects yet — log a run with <code>cairn.init(project=...)</code>
          </h2>
          <LogSnippet />
        </div>
      ) : (
        <table className="simple-table" data-testid="projects-table">
          <thead>
            <tr>
              <th>Project</th>
              <th className="num">Runs</th>
              <th>Last activity</th>
              <th>Created</th>
            </tr>
          </thead>
          <tbody>
            {list.map((p) => {
              const to = `/p/${encodeURIComponent(p.name)}`;
              const last = p.last_activity ?? p.created_at;
              return (
                <tr
                  key={p.name}
                  className="clickable"
                  data-testid="project-row"
                  data-project={p.name}
                  onClick={() => navigate(to)}
                >
                  <td>
                    <Link to={to} className="strong-link" onClick={(e) => e.stopPropagation()}>
                      {p.name}
                    </Link>
                  </td>
                  <td className="num">{p.run_count}</td>
                  <td title={absoluteTime(last)}>{relativeTime(last, now)}</td>
                  <td className="muted" title={absoluteTime(p.created_at)}>
                    {relativeTime(p.created_at, now)}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </div>
  );
}
