// Parameter importance for a metric, as the server computes it: a row per parameter, most important
// first, with the importance and the correlation drawn as inline bars.
import { useQuery } from "@tanstack/react-query";
import type { JSX } from "react";
import { api } from "../../../api/client";
import type { ImportanceResponse, ParameterImportance } from "../../../api/types";

export interface ImportanceTableProps {
  project: string;
  runIds: readonly string[];
  metric: string;
  /** flattened config keys; omitted: the ones that vary across the runs */
  params?: readonly string[];
}

function ImportanceBar({ value }: { value: number }): JSX.Element {
  return (
    <span className="an-bar" aria-hidden>
      <span className="an-bar-fill" style={{ width: `${Math.max(0, Math.min(1, value)) * 100}%` }} />
    </span>
  );
}

/** A bar from the middle: right and green for positive r, left and red for negative. */
function CorrelationBar({ value }: { value: number }): JSX.Element {
  const width = Math.min(1, Math.abs(value)) * 50;
  const style = value >= 0 ? { left: "50%", width: `${width}%` } : { left: `${50 - width}%`, width: `${width}%` };
  return (
    <span className="an-bar an-corr" aria-hidden>
      <span className={`an-bar-fill ${value >= 0 ? "an-pos" : "an-neg"}`} style={style} />
    </span>
  );
}

function Row({ p }: { p: ParameterImportance }): JSX.Element {
  return (
    <tr data-testid="importance-row" data-param={p.name}>
      <td className="an-param" title={p.name}>
        {p.name}
        {p.kind === "categorical" && <span className="an-kind" title="categorical: ordinal-encoded">cat</span>}
      </td>
      <td>
        <div className="an-cell" data-testid="importance-value">
          <ImportanceBar value={p.importance} />
          <span className="an-num">{p.importance.toFixed(3)}</span>
        </div>
      </td>
      <td>
        <div className="an-cell">
          {p.correlation === null ? (
            <span className="an-none" title="no correlation for categorical or constant parameters">—</span>
          ) : (
            <>
              <CorrelationBar value={p.correlation} />
              <span className="an-num">{p.correlation.toFixed(2)}</span>
            </>
          )}
        </div>
      </td>
    </tr>
  );
}

/** The server's importance as the table (or, without numbers, the note saying why). */
export function ImportanceResult({ data }: { data: ImportanceResponse }): JSX.Element {
  if (data.note !== null)
    return (
      <p className="an-note" data-testid="importance-note">
        Not enough to go on: {data.note}.
      </p>
    );
  return (
    <table className="an-table">
      <thead>
        <tr>
          <th>Parameter</th>
          <th title="permutation importance in a random forest that predicts the metric">Importance</th>
          <th title="Pearson correlation with the metric">Correlation</th>
        </tr>
      </thead>
      <tbody>
        {data.parameters.map((p) => (
          <Row key={p.name} p={p} />
        ))}
      </tbody>
    </table>
  );
}

export function ImportanceTable({ project, runIds, metric, params }: ImportanceTableProps): JSX.Element {
  const ids = [...runIds].sort();
  const query = useQuery({
    queryKey: ["importance", project, metric, ids, params ?? null],
    queryFn: () => api.importance(project, { metric, run_ids: ids, params: params ? [...params] : null }),
    enabled: metric !== "" && ids.length > 0,
    staleTime: 30_000,
    placeholderData: (previous) => previous,
  });
  const data = query.data;
  let body: JSX.Element;
  if (!metric) body = <p className="an-note">Pick a metric to see which parameters matter.</p>;
  else if (ids.length === 0) body = <p className="an-note">No runs to analyse.</p>;
  else if (query.isError)
    body = (
      <p className="an-note cc-error">
        Could not compute importance: {query.error instanceof Error ? query.error.message : "request failed"}
      </p>
    );
  else if (!data) body = <p className="an-note">Computing importance…</p>;
  else body = <ImportanceResult data={data} />;
  return (
    <section
      className="an-importance"
      data-testid="importance"
      data-state={query.isError ? "error" : data ? "ready" : "loading"}
    >
      <header className="an-section-head">
        <h4>
          Parameter importance <span className="cc-muted">for {metric || "…"}</span>
        </h4>
        {data && <span className="cc-muted">{data.runs === 1 ? "1 run" : `${data.runs} runs`}</span>}
        {query.isFetching && data && <span className="cc-fetching" aria-label="Updating" />}
      </header>
      {body}
    </section>
  );
}
