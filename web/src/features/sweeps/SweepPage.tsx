// One sweep: its state and controls, the metric over time, its trials and runs, and the analysis
// (parallel coordinates and parameter importance) of its runs.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type JSX, Suspense, lazy, useCallback, useMemo, useState } from "react";
import { Link, useNavigate, useParams } from "react-router-dom";
import type { RunRow } from "../../api/types";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { flatten } from "../../lib/flatten";
import { formatNumber, formatValue } from "../../lib/format";
import { absoluteTime, relativeTime } from "../../lib/time";
import { useNow } from "../../lib/useNow";
import { ReportRunSetContext, sweepRunSet } from "../reports/lib/runSet";
import { type SweepAction, type SweepDetail, sweepsApi } from "./api";
import { SweepStatePill } from "./components/SweepStatePill";
import { TrialsTable } from "./components/TrialsTable";
import { searchedKeys, whyNot } from "./lib/progress";
import { sweepQuery, sweepRunsQuery } from "./queries";
import { progressText } from "./SweepsPage";
import "./sweeps.css";

// Parallel coordinates pull in ECharts' parallel chart: load them with the section, as the workspace does.
const AnalysisView = lazy(() => import("../analysis").then((m) => ({ default: m.AnalysisView })));
// The metric chart is ECharts too: the page's facts and trials show while it loads, in a box of its height.
const MetricOverTime = lazy(() => import("./components/MetricOverTime").then((m) => ({ default: m.MetricOverTime })));
const METRIC_CHART_HEIGHT = 260;

const CONTROLS: { action: SweepAction; label: string; title: string }[] = [
  { action: "pause", label: "Pause", title: "Hand out no new trials until resumed; running trials go on" },
  { action: "resume", label: "Resume", title: "Hand out trials again" },
  { action: "stop", label: "Stop", title: "No new trials, ever; running trials finish" },
  { action: "cancel", label: "Cancel", title: "No new trials, ever, and running trials are killed" },
];

function Controls({ sweep }: { sweep: SweepDetail }): JSX.Element {
  const client = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const act = useMutation({
    mutationFn: (action: SweepAction) => sweepsApi.act(sweep.project, sweep.id, action),
    onSuccess: (next) => {
      client.setQueryData(sweepQuery(sweep.project, sweep.id).queryKey, next);
      void client.invalidateQueries({ queryKey: ["sweeps", sweep.project] });
    },
  });
  return (
    <div className="sw-controls" data-testid="sweep-controls">
      {CONTROLS.map(({ action, label, title }) => {
        const reason = whyNot(sweep.state, action, sweep.trials);
        return (
          <button
            key={action}
            type="button"
            className={action === "cancel" ? "button button-danger-quiet" : "button"}
            title={reason ? `${title} (not now: ${reason})` : title}
            disabled={reason !== null || act.isPending}
            data-testid={`sweep-${action}`}
            onClick={() => (action === "cancel" ? setConfirming(true) : act.mutate(action))}
          >
            {label}
          </button>
        );
      })}
      {act.isError && <span className="error-text">{act.error.message}</span>}
      {confirming && (
        <ConfirmDialog
          title="Cancel this sweep?"
          message="No new trials will start, and agents kill the trials running now. This cannot be undone."
          confirmLabel="Cancel sweep"
          cancelLabel="Keep running"
          danger
          busy={act.isPending}
          onConfirm={() => {
            act.mutate("cancel");
            setConfirming(false);
          }}
          onCancel={() => setConfirming(false)}
        />
      )}
    </div>
  );
}

function Facts({ sweep }: { sweep: SweepDetail }): JSX.Element {
  const now = useNow();
  const counts = Object.entries(sweep.counts)
    .map(([status, n]) => `${n} ${status}`)
    .join(" · ");
  return (
    <dl className="sw-facts" data-testid="sweep-facts">
      <div>
        <dt>Method</dt>
        <dd>{sweep.method}</dd>
      </div>
      <div>
        <dt>Metric</dt>
        <dd>{sweep.metric ? `${sweep.metric.name} (${sweep.metric.goal})` : "—"}</dd>
      </div>
      <div>
        <dt>Trials</dt>
        <dd data-testid="sweep-progress">
          {progressText(sweep)} {counts && <span className="muted">({counts})</span>}
        </dd>
      </div>
      <div>
        <dt>Best</dt>
        <dd data-testid="sweep-best">
          {sweep.best ? (
            <>
              <b>{formatNumber(sweep.best.value, 5)}</b>{" "}
              <Link to={`/p/${encodeURIComponent(sweep.project)}/r/${encodeURIComponent(sweep.best.run_id)}`}>
                trial {sweep.best.trial}
              </Link>{" "}
              <span className="muted">
                {Object.entries(flatten(sweep.best.params))
                  .map(([k, v]) => `${k}=${formatValue(v)}`)
                  .join(", ")}
              </span>
            </>
          ) : (
            "—"
          )}
        </dd>
      </div>
      <div>
        <dt>Created</dt>
        <dd title={absoluteTime(sweep.created_at)}>{relativeTime(sweep.created_at, now)}</dd>
      </div>
    </dl>
  );
}

export function SweepPage(): JSX.Element {
  const params = useParams();
  const project = params.project ?? "";
  const sweepId = params.sweepId ?? "";
  const navigate = useNavigate();
  const sweep = useQuery(sweepQuery(project, sweepId));
  const runs = useQuery(sweepRunsQuery(project, sweepId));
  const runList: RunRow[] = useMemo(() => runs.data?.runs ?? [], [runs.data]);
  const byId = useMemo(() => new Map(runList.map((r) => [r.id, r])), [runList]);
  const trials = useMemo(() => sweep.data?.trials ?? [], [sweep.data]);
  const keys = useMemo(() => searchedKeys(trials), [trials]);
  const reportRuns = useMemo(() => sweepRunSet(project, sweepId), [project, sweepId]);
  const openRun = useCallback(
    (runId: string) => navigate(`/p/${encodeURIComponent(project)}/r/${encodeURIComponent(runId)}`),
    [navigate, project],
  );

  if (sweep.isPending) return <div className="page-message muted">Loading sweep…</div>;
  if (sweep.isError) return <div className="page-message error-text">{sweep.error.message}</div>;
  const s = sweep.data;
  const metric = s.metric;

  return (
    <div className="page sw-page" data-testid="sweep-page" data-sweep={s.id}>
      <div className="page-header sw-header">
        <h1>{s.name}</h1>
        <span className="muted mono">{s.id}</span>
        <SweepStatePill state={s.state} />
        <Controls sweep={s} />
      </div>
      <Facts sweep={s} />
      <section className="sw-section">
        <h2>{metric ? `${metric.name} by trial start` : "Trials"}</h2>
        {metric ? (
          <Suspense fallback={<div className="sw-chart" style={{ height: METRIC_CHART_HEIGHT }} data-loading="true" />}>
            <MetricOverTime
              trials={trials}
              metric={metric.name}
              goal={metric.goal}
              onOpenRun={openRun}
              height={METRIC_CHART_HEIGHT}
            />
          </Suspense>
        ) : (
          <p className="muted">This sweep has no metric: add one to its config to compare trials.</p>
        )}
      </section>
      <section className="sw-section">
        <h2>
          Trials <span className="muted">{trials.length}</span>
        </h2>
        <TrialsTable
          project={project}
          trials={trials}
          runs={byId}
          metric={metric?.name ?? null}
          params={keys}
          bestRunId={s.best?.run_id ?? null}
        />
      </section>
      <section className="sw-section" data-testid="sweep-analysis">
        <h2>Parameters</h2>
        {runs.isError ? (
          <p className="error-text">{runs.error.message}</p>
        ) : (
          <Suspense fallback={<p className="muted">Loading the analysis…</p>}>
            <ReportRunSetContext.Provider value={reportRuns}>
              <AnalysisView
                project={project}
                runs={runList}
                metric={metric?.name}
                goal={metric?.goal}
                params={keys}
                onOpenRun={openRun}
              />
            </ReportRunSetContext.Provider>
          </Suspense>
        )}
      </section>
    </div>
  );
}
