// The sweep's trials as a dense table: its run, status, the metric and the searched parameters.
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

export function TrialsTable({ project, trials, runs, metric, params, bestRunId }: TrialsTableProps): JSX.Element {
  const ordered = [...trials].sort((a, b) => b.number - a.number);
  return (
    <div className="sw-table-wrap">
      <table className="simple-table sw-trials" data-testid="sweep-trials">
        <thead>
          <tr>
            <th className="num">#</th>
            <th>Run</th>
            <th>Trial</th>
            <th>Run state</th>
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
                <td>
                  <SweepStatePill state={t.status} />
                </td>
                <td className="muted">{t.run_state ?? "not started"}</td>
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
