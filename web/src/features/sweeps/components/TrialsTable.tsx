// The sweep's trials as a dense table: its run, its state, the metric and the searched parameters.
import type { JSX } from "react";
import { Link } from "react-router-dom";
import type { RunRow } from "../../../api/types";
import { duration } from "../../../lib/time";
import { formatNumber, formatValue } from "../../../lib/format";
import type { Trial } from "../api";
import { paramValue } from "../lib/progress";
import { SweepStatePill } from "./SweepStatePill";

export interface TrialsTableProps {
  project: string;
  trials: readonly Trial[];
  runs: ReadonlyMap<string, RunRow>;
  metric: string | null;
  params: readonly string[];
  bestRunId: string | null;
}

/** The trial's outcome is the state shown; its run's own state, when it says more, is in the tooltip. */
function trialStateTitle(t: Trial): string {
  if (t.run_state === null) return "its run has not started yet";
  return t.run_state === t.status ? `run ${t.run_state}` : `trial ${t.status}, run ${t.run_state}`;
}

export function TrialsTable({ project, trials, runs, metric, params, bestRunId }: TrialsTableProps): JSX.Element {
  const ordered = [...trials].sort((a, b) => b.number - a.number);
  return (
    <div className="sw-table-wrap">
      <table className="simple-table sw-trials" data-testid="sweep-trials">
        <thead>
          <tr>
            <th className="num">#</th>
            <th>Run</th>
            <th>State</th>
            {metric && <th className="num">{metric}</th>}
            {params.map((p) => (
              <th key={p} className="num">
                {p}
              </th>
            ))}
            <th className="num">Runtime</th>
            <th>Note</th>
          </tr>
        </thead>
        <tbody>
          {ordered.map((t) => {
            const run = runs.get(t.run_id);
            const to = `/p/${encodeURIComponent(project)}/r/${encodeURIComponent(t.run_id)}`;
            return (
              <tr key={t.number} data-testid="trial-row" data-run={t.run_id} className={t.run_id === bestRunId ? "sw-best" : undefined}>
                <td className="num muted">{t.number}</td>
                <td>
                  {run ? (
                    <Link to={to} className="strong-link">
                      {run.name}
                    </Link>
                  ) : (
                    <span className="muted mono">{t.run_id}</span>
                  )}
                  {t.run_id === bestRunId && <span className="sw-best-badge">best</span>}
                </td>
                <td title={trialStateTitle(t)}>
                  <SweepStatePill state={t.status} />
                  {t.status === "running" && t.run_state === null && <span className="muted"> starting</span>}
                </td>
                {metric && <td className="num">{t.value === null ? "—" : formatNumber(t.value, 5)}</td>}
                {params.map((p) => (
                  <td key={p} className="num">
                    {formatValue(paramValue(t, p))}
                  </td>
                ))}
                <td className="num muted">{run ? duration(run.runtime) : "—"}</td>
                <td className="muted sw-note" title={t.note ?? undefined}>
                  {t.note ? t.note.split("\n")[0] : ""}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
