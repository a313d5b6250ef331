// /p/:project/compare?runs=a,b — config differences, summaries side by side, and shared charts.
import { useQueries } from "@tanstack/react-query";
import { useEffect, useMemo, useState } from "react";
import { Link, useParams, useSearchParams } from "react-router-dom";
import type { RunDetail } from "../../api/types";
import { ChartsPane } from "../../components/ChartsPane";
import { runColor } from "../../lib/colors";
import { flatten } from "../../lib/flatten";
import { joinList, splitList } from "../../lib/urlList";
import { runQuery } from "../run/state/queries";
import { DiffTable } from "./components/DiffTable";
import { diffRows, visibleRows } from "./state/diff";

export function ComparePage() {
  const { project = "" } = useParams();
  const [params, setParams] = useSearchParams();
  const [search, setSearch] = useState("");
  const ids = splitList(params.get("runs"));
  // a local copy answers the click at once; the URL (a transition) follows
  const urlOnlyDiff = params.get("diff") !== "all";
  const [onlyDiff, setOnlyDiff] = useState(urlOnlyDiff);
  useEffect(() => setOnlyDiff(urlOnlyDiff), [urlOnlyDiff]);
  const results = useQueries({ queries: ids.map((id) => runQuery(project, id)) });
  const runs = results.flatMap((r) => (r.data ? [r.data] : []));
  const failed = results.filter((r) => r.isError);
  const loading = results.some((r) => r.isPending);

  const runsKey = runs.map((r) => `${r.id}:${r.updated_at}`).join(",");
  const { config, summary } = useMemo(
    () => ({
      config: diffRows(runs.map((r) => flatten(r.config))),
      summary: diffRows(runs.map((r) => r.summary)),
    }),
    [runsKey],
  );
  // Config flattened with "." as in the runs table, for the scatter, bar and scalar panels.
  const values = useMemo(
    () => runs.map((r) => ({ id: r.id, created_at: r.created_at, config: flatten(r.config), summary: r.summary })),
    [runsKey],
  );
  const chartRuns = useMemo(
    () => runs.map((r: RunDetail) => ({ id: r.id, name: r.name, color: runColor(r), group: null })),
    [runsKey],
  );

  const setParam = (key: string, value: string | null) =>
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        if (value === null) next.delete(key);
        else next.set(key, value);
        return next;
      },
      { replace: true },
    );

  if (ids.length === 0) {
    return (
      <div className="page-message">
        <h2>Nothing to compare</h2>
        <p className="muted">Select runs in the workspace and press Compare.</p>
        <Link to={`/p/${encodeURIComponent(project)}`}>Back to {project}</Link>
      </div>
    );
  }

  const shownConfig = visibleRows(config, onlyDiff, search);
  const shownSummary = visibleRows(summary, false, search);
  const differing = config.filter((r) => r.differs).length;

  return (
    <div className="page compare-page" data-testid="compare-page">
      <div className="page-header">
        <h1>Compare {ids.length} runs</h1>
        <div className="compare-runs">
          {runs.map((run) => (
            <span key={run.id} className="compare-chip" data-testid="compare-run">
              <span className="swatch" style={{ background: runColor(run) }} />
              <Link to={`/p/${encodeURIComponent(project)}/r/${encodeURIComponent(run.id)}`}>{run.name}</Link>
              {ids.length > 2 && (
                <button
                  type="button"
                  className="tag-remove"
                  aria-label={`Remove ${run.name} from the comparison`}
                  onClick={() => setParam("runs", joinList(ids.filter((id) => id !== run.id)))}
                >
                  ×
                </button>
              )}
            </span>
          ))}
        </div>
      </div>
      {loading && <div className="muted">Loading runs…</div>}
      {failed.length > 0 && (
        <div className="error-text" role="alert">
          {failed.length === 1 ? "1 run" : `${failed.length} runs`} could not be loaded:{" "}
          {failed.map((r) => r.error?.message).join("; ")}
        </div>
      )}
      <div className="compare-controls">
        <input
          className="card-search"
          type="search"
          placeholder="Search keys and values"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          data-testid="compare-search"
        />
        <label className="toggle">
          <input
            type="checkbox"
            checked={onlyDiff}
            data-testid="only-differences"
            onChange={(e) => {
              setOnlyDiff(e.target.checked);
              setParam("diff", e.target.checked ? null : "all");
            }}
          />
          Only differences
        </label>
        <span className="muted small" data-testid="diff-count">
          {differing} of {config.length} config keys differ
        </span>
      </div>
      <div className="compare-tables">
        <section className="card">
          <div className="card-header">
            <h3>Config</h3>
          </div>
          {shownConfig.length ? (
            <DiffTable testId="config-diff" runs={runs} rows={shownConfig} summary={false} highlight />
          ) : (
            <div className="muted pad">{onlyDiff ? "The configs are identical." : "No config keys."}</div>
          )}
        </section>
        <section className="card">
          <div className="card-header">
            <h3>Summary</h3>
          </div>
          <DiffTable testId="summary-diff" runs={runs} rows={shownSummary} summary highlight={false} />
        </section>
      </div>
      <div className="compare-charts">
        <ChartsPane project={project} runs={chartRuns} grouped={false} values={values} workspaceKey="compare" media />
      </div>
    </div>
  );
}
