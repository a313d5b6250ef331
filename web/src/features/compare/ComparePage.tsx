// /p/:project/compare?runs=a,b[&diff=all] — runs added and removed in place, config and summary
// differences (equal rows hidden unless diff=all), the best summary value per row, shared charts.
import { useQueries } from "@tanstack/react-query";
import { useEffect, useMemo, useState } from "react";
import { Link, useParams, useSearchParams } from "react-router-dom";
import type { RunDetail } from "../../api/types";
import { ChartsPane } from "../../components/ChartsPane";
import { runColor, useRunColorsVersion } from "../../lib/colors";
import { useRunColorOverrides } from "../../lib/useRunColorOverrides";
import { useSavedViewName } from "../views/savedView";
import { flatten } from "../../lib/flatten";
import { plural } from "../../lib/plural";
import { joinList, splitList } from "../../lib/urlList";
import { runQuery } from "../run/state/queries";
import { CompareHeader } from "./components/CompareHeader";
import { DiffSection, tableView } from "./components/DiffSection";
import { diffRows } from "./state/diff";
import { withRun, withoutRun } from "./state/runList";
import { useSweepGoals } from "./state/sweepGoals";

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

  const goals = useSweepGoals(project, runs);
  useRunColorOverrides(project, useSavedViewName()); // the colours chosen in the workspace
  const colorsVersion = useRunColorsVersion();

  const runsKey = runs.map((r) => `${r.id}:${r.updated_at}`).join(",");
  const { configRows, summaryRows } = useMemo(
    () => ({
      configRows: diffRows(runs.map((r) => flatten(r.config))),
      summaryRows: diffRows(runs.map((r) => r.summary)),
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
    [runsKey, colorsVersion],
  );

  const setParam = (key: string, value: string | null, replace: boolean) =>
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        if (value === null) next.delete(key);
        else next.set(key, value);
        return next;
      },
      { replace },
    );
  // adding and removing runs push a history entry: Back undoes them
  const setRuns = (next: string[]) => setParam("runs", next.length ? joinList(next) : null, false);
  const header = (
    <CompareHeader
      project={project}
      ids={ids}
      runs={runs}
      onAdd={(run) => setRuns(withRun(ids, run.id))}
      onRemove={(id) => setRuns(withoutRun(ids, id))}
    />
  );

  if (ids.length === 0) {
    return (
      <div className="page compare-page" data-testid="compare-page">
        {header}
        <div className="page-message">
          <h2>Nothing to compare</h2>
          <p className="muted">Add runs above, or select runs in the workspace and press Compare.</p>
          <Link to={`/p/${encodeURIComponent(project)}`}>Back to {project}</Link>
        </div>
      </div>
    );
  }

  // with one run every row agrees: hiding equal rows would hide everything
  const comparable = runs.length > 1;
  const hideEqual = onlyDiff && comparable;
  const config = tableView(configRows, hideEqual, search);
  const summary = tableView(summaryRows, hideEqual, search);
  const hidden = config.hidden + summary.hidden;
  const removeRun = (run: RunDetail) => setRuns(withoutRun(ids, run.id));

  return (
    <div className="page compare-page" data-testid="compare-page">
      {header}
      {loading && <div className="muted">Loading runs…</div>}
      {failed.length > 0 && (
        <div className="error-text" role="alert">
          {plural(failed.length, "run")} could not be loaded:{" "}
          {failed.map((r) => r.error?.message).join("; ")}
        </div>
      )}
      <div className="compare-controls">
        <input
          className="card-search"
          type="search"
          placeholder="Search keys and values"
          aria-label="Search keys and values"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          data-testid="compare-search"
        />
        <label className="toggle" title={comparable ? "Hide config and summary rows where every run agrees" : "Add a run to compare"}>
          <input
            type="checkbox"
            checked={onlyDiff}
            disabled={!comparable}
            data-testid="only-differences"
            onChange={(e) => {
              setOnlyDiff(e.target.checked);
              setParam("diff", e.target.checked ? null : "all", true);
            }}
          />
          Differences only
        </label>
        <span className="muted small" data-testid="diff-count">
          {hideEqual
            ? `${plural(hidden, "row")} where every run agrees ${hidden === 1 ? "is" : "are"} hidden`
            : comparable
              ? `${config.differing + summary.differing} of ${configRows.length + summaryRows.length} rows differ`
              : "Add a run to see differences"}
        </span>
      </div>
      <div className="compare-tables">
        <DiffSection
          title="Config"
          testId="config-diff"
          runs={runs}
          view={config}
          total={configRows.length}
          summary={false}
          hideEqual={hideEqual}
          onRemove={removeRun}
          goals={goals}
        />
        <DiffSection
          title="Summary"
          testId="summary-diff"
          runs={runs}
          view={summary}
          total={summaryRows.length}
          summary
          hideEqual={hideEqual}
          onRemove={removeRun}
          goals={goals}
        />
      </div>
      <div className="compare-charts">
        <ChartsPane project={project} runs={chartRuns} grouped={false} values={values} workspaceKey="compare" media />
      </div>
    </div>
  );
}
