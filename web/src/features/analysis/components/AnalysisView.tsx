// Parallel coordinates and parameter importance for a set of runs, with the pickers around them:
// which metric, which direction is better, which parameters are axes; brushing filters the runs list.
import { type JSX, useCallback, useContext, useEffect, useMemo, useState } from "react";
import { useNavigate } from "react-router-dom";
import {
  type AnalysisRun,
  type Brush,
  type Goal,
  buildAxes,
  configKeys,
  defaultGoal,
  defaultMetric,
  numericMetrics,
  plottableRuns,
  varyingParams,
} from "../lib/axes";
import { brushedRuns, pruneBrush } from "../lib/brush";
import { brushFilter } from "../lib/brushFilter";
import { formatValue, rankRuns } from "../lib/rank";
import { useAnalysisChoice } from "../state/useAnalysisChoice";
import { plural } from "../../../lib/plural";
import { AddToReportDialog } from "../../reports/components/AddToReportDialog";
import { ReportRunSetContext } from "../../reports/lib/runSet";
import { ImportanceTable } from "./ImportanceTable";
import { ParallelCoordinates } from "./ParallelCoordinates";
import "../analysis.css";

export interface AnalysisViewProps {
  project: string;
  runs: readonly AnalysisRun[];
  /** a fixed metric (e.g. the sweep's); omitted: a picker, first numeric summary key by default */
  metric?: string;
  goal?: Goal;
  /** the initial axes; omitted: the config keys that vary across the runs */
  params?: readonly string[];
  onOpenRun?: (id: string) => void;
  /** "url": the choices (metric, direction, axes, brush) live in the page URL; default "memory" */
  persist?: "url" | "memory";
}

/** The brush without one axis (the old metric's, when the metric changes). */
function pruneKey(brush: Brush, key: string): Brush {
  return Object.fromEntries(Object.entries(brush).filter(([k]) => k !== key));
}

/** At most this many axes by default (more add with "+ axis"): past that the lines are a blur. */
const DEFAULT_AXES = 10;

/** How many brushed runs the list shows (the count always covers all). */
const LIST_LIMIT = 200;

/** Rows the best-first list shows before it scrolls (its height is fixed to this many). */
const LIST_VISIBLE = 10;

export function AnalysisView(props: AnalysisViewProps): JSX.Element {
  const { project, runs } = props;
  const navigate = useNavigate();
  const metrics = useMemo(() => numericMetrics(runs), [runs]);
  const [choice, update] = useAnalysisChoice(props.persist ?? "memory", {
    axes: props.params ? [...props.params] : null,
  });
  const metric = props.metric ?? (choice.metric && metrics.includes(choice.metric) ? choice.metric : defaultMetric(metrics)) ?? "";
  const goal = choice.goal ?? props.goal ?? defaultGoal(metric);

  // Runs without the metric (a data-preparation run, say) do not make a parameter "vary".
  const plotted = useMemo(() => plottableRuns(runs, metric), [runs, metric]);
  const varying = useMemo(() => varyingParams(plotted), [plotted]);
  const allParams = useMemo(() => configKeys(runs), [runs]);
  const params = useMemo(
    () => (choice.axes ?? varying.slice(0, DEFAULT_AXES)).filter((p) => allParams.includes(p)),
    [choice.axes, varying, allParams],
  );
  const capped = choice.axes === null && varying.length > DEFAULT_AXES;
  const brushState = choice.brush;
  const axes = useMemo(() => buildAxes(plotted, params, metric), [plotted, params, metric]);
  const brush = useMemo(() => pruneBrush(brushState, axes), [brushState, axes]);
  const shown = useMemo(() => rankRuns(brushedRuns(plotted, axes, brush), metric, goal), [plotted, axes, brush, metric, goal]);
  const brushed = Object.keys(brush).length > 0;
  // The runs table follows the brush through a filter in the URL, written with the brush in one
  // update from the URL as it is at that moment (the brush reports while the mouse moves, faster
  // than renders), so the two never disagree; a removed axis or a changed metric drops that axis's
  // range from both.
  const urlPersisted = props.persist === "url";
  const filterOf = useCallback((b: Brush) => (urlPersisted && metric ? brushFilter(pruneBrush(b, axes), axes, plotted) : ""), [urlPersisted, metric, axes, plotted]);
  const setBrush = useCallback((next: Brush) => update({ brush: next, brushFilter: filterOf(next) }), [update, filterOf]);
  const filterText = useMemo(() => filterOf(brushState), [filterOf, brushState]);
  useEffect(() => {
    if (urlPersisted && metric && filterText !== choice.brushFilter) {
      update((latest) => ({ brushFilter: filterOf(latest.brush) }));
    }
  }, [urlPersisted, metric, filterText, choice.brushFilter, update, filterOf]);
  const runIds = useMemo(() => runs.map((r) => r.id), [runs]);
  // "Add to report": the run set is the page's (the sweep's runs) or, without one, the workspace's
  // URL runs filter, narrowed by the brush; a component that keeps its choices in memory outside
  // such a page offers none.
  const reportBrush = useMemo(() => (metric ? brushFilter(brush, axes, plotted) : ""), [metric, brush, axes, plotted]);
  const reportable = useContext(ReportRunSetContext) !== null || props.persist === "url";
  const [reporting, setReporting] = useState<"parallel" | "importance" | null>(null);

  const onOpenRun = useCallback(
    (id: string) =>
      props.onOpenRun ? props.onOpenRun(id) : navigate(`/p/${encodeURIComponent(project)}/r/${encodeURIComponent(id)}`),
    [props, navigate, project],
  );
  const setParams = (axes: string[]) => update({ axes });

  if (runs.length === 0) return <p className="an-note">No runs to analyse: show some runs in the table.</p>;
  if (!metric)
    return <p className="an-note">These runs have no numeric summary metric yet; log one to analyse them.</p>;

  return (
    <div className="an-root" data-testid="analysis" data-metric={metric} data-goal={goal}>
      <div className="an-toolbar">
        {props.metric === undefined ? (
          <label className="an-field">
            Metric
            <select data-testid="analysis-metric" value={metric} onChange={(e) => update({ metric: e.target.value, brush: pruneKey(brush, metric) })}>
              {metrics.map((m) => (
                <option key={m} value={m}>
                  {m}
                </option>
              ))}
            </select>
          </label>
        ) : (
          <span className="an-field">
            Metric <b>{metric}</b>
          </span>
        )}
        <label className="an-field">
          Better
          <select data-testid="analysis-goal" value={goal} onChange={(e) => update({ goal: e.target.value as Goal })}>
            <option value="minimize">lower</option>
            <option value="maximize">higher</option>
          </select>
        </label>
        <span className="spacer" />
        <span className="an-count" data-testid="analysis-count" data-shown={shown.length} data-total={plotted.length}>
          {brushed ? `${shown.length} of ${plotted.length} runs` : plural(plotted.length, "run")}
          {plotted.length < runs.length && (
            <span className="cc-muted" title={`runs without a number for ${metric} are not drawn`}>
              {" "}
              ({runs.length - plotted.length} without {metric})
            </span>
          )}
        </span>
        {brushed && (
          <button type="button" className="an-clear" onClick={() => setBrush({})}>
            Clear brush
          </button>
        )}
        <span className="an-axes" data-testid="analysis-axes">
          Axes
          {params.map((p) => (
            <span key={p} className="an-chip">
              {p}
              <button type="button" aria-label={`Remove axis ${p}`} onClick={() => setParams(params.filter((q) => q !== p))}>
                ×
              </button>
            </span>
          ))}
          <select
            aria-label="Add an axis"
            value=""
            onChange={(e) => e.target.value && setParams([...params, e.target.value])}
          >
            <option value="">+ axis</option>
            {allParams
              .filter((p) => !params.includes(p))
              .map((p) => (
                <option key={p} value={p}>
                  {p}
                </option>
              ))}
          </select>
          {capped && (
            <span className="cc-muted" data-testid="analysis-capped">
              first {DEFAULT_AXES} of {varying.length} varying
            </span>
          )}
        </span>
      </div>
      {reportable && (
        <div className="an-report" data-testid="analysis-report">
          {(["parallel", "importance"] as const).map((kind) => (
            <button
              key={kind}
              type="button"
              className="button"
              disabled={params.length === 0}
              title={params.length === 0 ? "Add an axis first: a report's panel needs parameters" : `A report panel of these axes and ${metric}, ${goal === "minimize" ? "lower" : "higher"} better`}
              data-testid={`analysis-add-${kind}`}
              onClick={() => setReporting(kind)}
            >
              {kind === "parallel" ? "Add parallel coordinates to report…" : "Add importance to report…"}
            </button>
          ))}
          {reporting && (
            <AddToReportDialog
              project={project}
              panel={{ kind: reporting, keys: [...params.map((p) => `config.${p}`), `summary.${metric}`], ...(reporting === "parallel" ? { goal } : {}) }}
              brush={reportBrush}
              onClose={() => setReporting(null)}
            />
          )}
        </div>
      )}
      {params.length === 0 ? (
        <p className="an-note" data-testid="analysis-no-axes">
          No parameter varies across these runs; add an axis to plot one anyway.
        </p>
      ) : (
        <ParallelCoordinates
          runs={plotted}
          params={params}
          metric={metric}
          goal={goal}
          brush={brush}
          onBrush={setBrush}
          onOpenRun={onOpenRun}
        />
      )}
      <div className="an-lower">
        <section className="an-runs" data-testid="analysis-runs">
          <header className="an-section-head">
            <h4>
              {brushed ? "Runs in the brush" : "Runs"} <span className="cc-muted">best first</span>
            </h4>
            <span className="cc-muted an-num" data-testid="analysis-list-count">
              {shown.length > LIST_VISIBLE
                ? `${LIST_VISIBLE} of ${Math.min(shown.length, LIST_LIMIT)} shown · scroll`
                : plural(shown.length, "run")}
            </span>
          </header>
          <ol
            className={`an-run-list${shown.length > LIST_VISIBLE ? " an-scrolls" : ""}`}
            data-testid="analysis-run-list"
          >
            {shown.slice(0, LIST_LIMIT).map((run, i) => (
              <li key={run.id}>
                <span className="an-rank">{i + 1}</span>
                <button type="button" className="an-run" onClick={() => onOpenRun(run.id)} title={`Open ${run.name}`}>
                  {run.name}
                </button>
                <span className="an-num">{formatValue(run.summary[metric])}</span>
              </li>
            ))}
          </ol>
          {shown.length > LIST_LIMIT && <p className="an-note">and {shown.length - LIST_LIMIT} more</p>}
        </section>
        <ImportanceTable project={project} runIds={runIds} metric={metric} />
      </div>
    </div>
  );
}
