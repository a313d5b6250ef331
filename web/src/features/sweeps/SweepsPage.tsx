// A project's sweeps: state, method, progress and best value, newest first.
import { useQuery } from "@tanstack/react-query";
import type { JSX } from "react";
import { Link, useNavigate, useParams } from "react-router-dom";
import { formatNumber } from "../../lib/format";
import { absoluteTime, relativeTime } from "../../lib/time";
import { useNow } from "../../lib/useNow";
import type { Sweep } from "./api";
import { SweepStatePill } from "./components/SweepStatePill";
import { sweepsQuery } from "./queries";
import "./sweeps.css";

export function progressText(sweep: Sweep): string {
  const total = sweep.grid_size ?? sweep.run_cap;
  return total ? `${sweep.trial_count} / ${total}` : String(sweep.trial_count);
}

export function SweepsPage(): JSX.Element {
  const project = useParams().project ?? "";
  const sweeps = useQuery(sweepsQuery(project));
  const navigate = useNavigate();
  const now = useNow();

  if (sweeps.isPending) return <div className="page-message muted">Loading sweeps…</div>;
  if (sweeps.isError) return <div className="page-message error-text">{sweeps.error.message}</div>;

  const list = sweeps.data;
  return (
    <div className="page sw-page">
      <div className="page-header">
        <h1>Sweeps</h1>
        <span className="muted">{list.length === 1 ? "1 sweep" : `${list.length} sweeps`}</span>
      </div>
      {list.length === 0 ? (
        <div className="empty-state" data-testid="sweeps-empty">
          <h2>No sweeps in {project} yet</h2>
          <pre className="sw-snippet">
            cairn sweep sweep.yaml --project {project}
            {"\n"}cairn agent SWEEP_ID
          </pre>
        </div>
      ) : (
        <table className="simple-table sw-table" data-testid="sweeps-table">
          <thead>
            <tr>
              <th>Sweep</th>
              <th>State</th>
              <th>Method</th>
              <th className="num">Trials</th>
              <th className="num">Running</th>
              <th className="num">Failed</th>
              <th>Metric</th>
              <th className="num">Best</th>
              <th>Created</th>
            </tr>
          </thead>
          <tbody>
            {list.map((s) => {
              const to = `/p/${encodeURIComponent(project)}/sweeps/${encodeURIComponent(s.id)}`;
              return (
                <tr key={s.id} className="clickable" data-testid="sweep-row" data-sweep={s.id} onClick={() => navigate(to)}>
                  <td>
                    <Link to={to} className="strong-link" onClick={(e) => e.stopPropagation()}>
                      {s.name}
                    </Link>{" "}
                    <span className="muted mono">{s.id}</span>
                  </td>
                  <td>
                    <SweepStatePill state={s.state} />
                  </td>
                  <td>{s.method}</td>
                  <td className="num">{progressText(s)}</td>
                  <td className="num">{s.counts.running ?? 0}</td>
                  <td className="num">{s.counts.failed ?? 0}</td>
                  <td>{s.metric ? `${s.metric.name} (${s.metric.goal === "minimize" ? "min" : "max"})` : "—"}</td>
                  <td className="num">{s.best ? formatNumber(s.best.value, 5) : "—"}</td>
                  <td className="muted" title={absoluteTime(s.created_at)}>
                    {relativeTime(s.created_at, now)}
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
