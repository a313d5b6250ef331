// /p/:project/compare?runs=a,other/b[&diff=all] — runs (of this project by id, of another as
// project/id) added and removed in place, config and summary differences (equal rows hidden unless
// diff=all), the best summary value per row, shared charts.
import { useQueries } from "@tanstack/react-query";
import { useEffect, useMemo, useState } from "react";
import { Link, useParams, useSearchParams } from "react-router-dom";
import { ChartsPane } from "../../components/ChartsPane";
import { useRunColorsVersion } from "../../lib/colors";
import { useRunColorOverrides } from "../../lib/useRunColorOverrides";
import { useSavedViewName } from "../views/savedView";
import { flatten } from "../../lib/flatten";
import { plural } from "../../lib/plural";
import { joinList, splitList } from "../../lib/urlList";
import { AddToReportDialog } from "../reports/components/AddToReportDialog";
import { MAX_COMPARE_RUNS } from "../reports/lib/compareCells";
import { ReportRunSetContext, runsRunSet } from "../reports/lib/runSet";
import { runQuery } from "../run/state/queries";
import { CompareHeader } from "./components/CompareHeader";
import { DiffSection, tableView } from "./components/DiffSection";
import { diffRows } from "./state/diff";
import { withRun, withoutRun } from "./state/runList";
import { type ComparedRun, comparedRuns, parseRefs, refOf } from "./state/runRefs";
import { useRunFacts } from "./state/runFacts";
import { useSweepGoals } from "./state/sweepGoals";

export function ComparePage() {
  const { project = "" } = useParams();
  const [params, setParams] = useSearchParams();
  const [search, setSearch] = useState("");
  const [reporting, setReporting] = useState(false);
  const { runs: refs, bad } = parseRefs(splitList(params.get("runs")), project);
  const ids = refs.map((r) => r.ref);
  // a local copy answers the click at once; the URL (a transition) follows
  const urlOnlyDiff = params.get("diff") !== "all";
  const [onlyDiff, setOnlyDiff] = useState(urlOnlyDiff);
  useEffect(() => setOnlyDiff(urlOnlyDiff), [urlOnlyDiff]);
  const results = useQueries({ queries: refs.map((r) => runQuery(r.project, r.id)) });
  const failed = results.flatMap((r, i) => (r.isError ? [`${refs[i]?.ref}: ${r.error.message}`] : []));
  const loading = results.some((r) => r.isPending);

  useRunColorOverrides(project, useSavedViewName()); // the colours chosen in the workspace
  const colorsVersion = useRunColorsVersion();
  const runsKey = results.map((r, i) => (r.data ? `${refs[i]?.ref}:${r.data.updated_at}` : "")).join(",");
  const runs: ComparedRun[] = useMemo(
    () => comparedRuns(results.flatMap((r, i) => (r.data && refs[i] ? [{ ref: refs[i].ref, run: r.data }] : []))),
    [runsKey, colorsVersion],
  );
  // sweeps are looked up in the page's project: its runs are the ones that can be its trials
  const goals = useSweepGoals(project, runs.filter((r) => r.project === project));

  const { configRows, summaryRows } = useMemo(
    () => ({
      configRows: diffRows(runs.map((r) => flatten(r.config))),
      summaryRows: diffRows(runs.map((r) => r.summary)),
    }),
    [runsKey],
  );
  // what each run's capture says about re-running it, as a report's compare panel shows it
  const facts = useRunFacts(refs, project);
  const factRows = useMemo(() => diffRows(runs.map((r) => facts.byRef.get(r.ref) ?? {})), [runsKey, facts.key]);
  // Config flattened with "." as in the runs table, for the scatter, bar and scalar panels.
  const values = useMemo(
    () => runs.map((r) => ({ id: r.ref, created_at: r.created_at, config: flatten(r.config), summary: r.summary })),
    [runs],
  );
  // the charts name runs by ref: the series route answers runs of other projects by their path
  const chartRuns = useMemo(
    () => runs.map((r) => ({ id: r.ref, name: r.place ? `${r.name} (${r.place})` : r.name, color: r.color, group: null })),
    [runs],
  );

  // a panel added to a report reads exactly these runs (of one project: a panel's runs are)
  const refsKey = ids.join(",");
  const reportRuns = useMemo(() => runsRunSet(refs), [refsKey]);
  // the comparison as a report panel: these runs too, as many as a panel compares
  const comparedRunSet =
    refs.length > MAX_COMPARE_RUNS
      ? { blocked: `A report's run comparison shows at most ${MAX_COMPARE_RUNS} runs, and ${refs.length} are compared here: remove some first.` }
      : reportRuns;

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
      refs={refs}
      runs={runs}
      onAdd={(run) => setRuns(withRun(ids, refOf(run.project, run.id, project)))}
      onRemove={(ref) => setRuns(withoutRun(ids, ref))}
    />
  );

  const badEntries = bad.length > 0 && (
    <div className="error-text" role="alert" data-testid="bad-runs">
      {bad.map((b) => `runs=${b.entry}: ${b.error}`).join("; ")}
    </div>
  );
  if (ids.length === 0) {
    return (
      <div className="page compare-page" data-testid="compare-page">
        {header}
        {badEntries}
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
  const runFacts = tableView(factRows, hideEqual, search);
  const removeRun = (run: ComparedRun) => setRuns(withoutRun(ids, run.ref));

  return (
    <div className="page compare-page" data-testid="compare-page">
      {header}
      {loading && <div className="muted">Loading runs…</div>}
      {badEntries}
      {failed.length > 0 && (
        <div className="error-text" role="alert" data-testid="failed-runs">
          {plural(failed.length, "run")} could not be loaded: {failed.join("; ")}
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
        <label className="toggle" title={comparable ? "Hide the rows where every run agrees" : "Add a run to compare"}>
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
        <button
          type="button"
          className="button"
          title="A report panel of these runs side by side, with this “Differences only” choice"
          data-testid="compare-add-to-report"
          onClick={() => setReporting(true)}
        >
          Add to report…
        </button>
        {reporting && (
          <ReportRunSetContext.Provider value={comparedRunSet}>
            <AddToReportDialog project={project} panel={{ kind: "compare", keys: [], differences_only: onlyDiff }} onClose={() => setReporting(false)} />
          </ReportRunSetContext.Provider>
        )}
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
        {factRows.length > 0 && (
          <DiffSection
            title="Run"
            testId="run-diff"
            runs={runs}
            view={runFacts}
            total={factRows.length}
            summary={false}
            noun="run fact"
            hideEqual={hideEqual}
            onRemove={removeRun}
            goals={goals}
          />
        )}
        {facts.error && (
          <div className="error-text" role="alert" data-testid="run-facts-error">
            The runs' capture facts could not be read: {facts.error}
          </div>
        )}
      </div>
      <div className="compare-charts">
        <ReportRunSetContext.Provider value={reportRuns}>
          <ChartsPane project={project} runs={chartRuns} grouped={false} values={values} workspaceKey="compare" media />
        </ReportRunSetContext.Provider>
      </div>
    </div>
  );
}
