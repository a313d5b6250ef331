import type { ReactNode } from "react";
import type { RunDetail } from "../../../api/types";
import { absoluteTime, duration } from "../../../lib/time";

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <tr>
      <td className="kv-key">{label}</td>
      <td className="kv-value">{children ?? <span className="muted">—</span>}</td>
    </tr>
  );
}

/** Where and how the run ran; the traceback of a failed run. */
export function RunInfo({ run }: { run: RunDetail }) {
  const failed = run.state === "failed" || run.state === "crashed";
  return (
    <section className="card" data-testid="run-info">
      <div className="card-header">
        <h3>Run</h3>
      </div>
      <table className="kv-table">
        <tbody>
          <Row label="ID">
            <span className="mono">{run.id}</span>
          </Row>
          <Row label="Project">{run.project}</Row>
          <Row label="State">{run.state}</Row>
          <Row label="Host">{run.host}</Row>
          <Row label="Program">{run.program && <span className="mono">{run.program}</span>}</Row>
          <Row label="Group">{run.group}</Row>
          <Row label="Job type">{run.job_type}</Row>
          <Row label="Created">{absoluteTime(run.created_at)}</Row>
          <Row label="Finished">{run.finished_at ? absoluteTime(run.finished_at) : null}</Row>
          <Row label="Runtime">{duration(run.runtime)}</Row>
          <Row label="Last step">{run.last_step}</Row>
          <Row label="History rows">{run.history_rows.toLocaleString()}</Row>
          <Row label="Metrics">{run.metric_keys.length}</Row>
          <Row label="Exit code">
            {run.exit_code === null ? null : (
              <span className={run.exit_code ? "error-text" : ""} data-testid="exit-code">
                {run.exit_code}
              </span>
            )}
          </Row>
        </tbody>
      </table>
      {failed && run.error && (
        <pre className="traceback" data-testid="run-error">
          {run.error}
        </pre>
      )}
    </section>
  );
}
