// A project's reports: title, author, last save and versions, newest save first; "New report".
import { useMutation, useQuery } from "@tanstack/react-query";
import { type JSX, useCallback, useState } from "react";
import { Link, useNavigate, useParams } from "react-router-dom";
import { absoluteTime, relativeTime } from "../../lib/time";
import { useNow } from "../../lib/useNow";
import { reportsApi } from "./api";
import { TemplateReportDialog } from "./components/TemplateReportDialog";
import { reportPath } from "./paths";
import "./reports.css";

export function ReportsPage(): JSX.Element {
  const project = useParams().project ?? "";
  const reports = useQuery({ queryKey: ["reports", project], queryFn: () => reportsApi.list(project) });
  const navigate = useNavigate();
  const now = useNow();
  const [picking, setPicking] = useState(false);
  const closePicker = useCallback(() => setPicking(false), []);
  const create = useMutation({
    mutationFn: () => reportsApi.create(project, "Untitled report"),
    onSuccess: (doc) => navigate(`${reportPath(project, doc.id)}?edit=1`),
  });

  if (reports.isPending) return <div className="page-message muted">Loading reports…</div>;
  if (reports.isError) return <div className="page-message error-text">{reports.error.message}</div>;

  const list = reports.data;
  return (
    <div className="page rp-page">
      <div className="page-header">
        <h1>Reports</h1>
        <span className="muted">{list.length === 1 ? "1 report" : `${list.length} reports`}</span>
        <span className="spacer" />
        <button type="button" className="button" data-testid="new-report-template" onClick={() => setPicking(true)}>
          New report from template
        </button>
        <button
          type="button"
          className="button button-primary"
          data-testid="new-report"
          disabled={create.isPending}
          onClick={() => create.mutate()}
        >
          New report
        </button>
      </div>
      {create.isError && <div className="error-text rp-error">{create.error.message}</div>}
      {picking && <TemplateReportDialog project={project} onClose={closePicker} />}
      {list.length === 0 ? (
        <div className="empty-state" data-testid="reports-empty">
          <h2>No reports in {project} yet</h2>
          <p>A report is a write-up of runs: Markdown and live charts, saved in versions.</p>
        </div>
      ) : (
        <table className="simple-table rp-table" data-testid="reports-table">
          <thead>
            <tr>
              <th>Report</th>
              <th>Author</th>
              <th>Updated</th>
              <th className="num">Versions</th>
            </tr>
          </thead>
          <tbody>
            {list.map((r) => {
              const to = reportPath(project, r.id);
              return (
                <tr key={r.id} className="clickable" data-testid="report-row" data-report={r.id} onClick={() => navigate(to)}>
                  <td className="rp-title-cell">
                    <Link to={to} className="strong-link" onClick={(e) => e.stopPropagation()}>
                      {r.title}
                    </Link>
                    {r.description && <span className="muted rp-description">{r.description}</span>}
                  </td>
                  <td>{r.author ?? <span className="muted">—</span>}</td>
                  <td className="muted" title={absoluteTime(r.updated_at)}>
                    {relativeTime(r.updated_at, now)}
                  </td>
                  <td className="num">{r.version}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </div>
  );
}
