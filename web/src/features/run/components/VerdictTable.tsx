// One reproduction of a run, as `cairn reproduce` stored it: the verdict, when, which runs, and a
// row per summary metric (original, reproduced, relative difference, status). The run page's
// Reproducibility tab and a report's verdict panel both draw it.
import type { JSX } from "react";
import type { Reproduction } from "../../../api/types";

function fmt(value: unknown): string {
  if (typeof value === "number") return Number.isInteger(value) ? String(value) : value.toPrecision(6);
  if (value === null || value === undefined) return "–";
  return JSON.stringify(value);
}

export function VerdictTable({ reproduction: r }: { reproduction: Pick<Reproduction, "verdict" | "created_at" | "runs" | "metrics"> }): JSX.Element {
  return (
    <div className="reproduction" data-testid="verdict-table" data-verdict={r.verdict}>
      <div>
        <strong className={r.verdict === "reproduced" ? "check-ok" : "check-no"}>{r.verdict}</strong>{" "}
        <span className="muted">
          {new Date(r.created_at * 1000).toLocaleString()} · runs {r.runs.join(", ")}
        </span>
      </div>
      <table className="kv-table">
        <thead>
          <tr>
            <th>Metric</th>
            <th>Original</th>
            <th>Reproduced</th>
            <th>Rel. diff</th>
            <th>Status</th>
          </tr>
        </thead>
        <tbody>
          {r.metrics.map((m) => (
            <tr key={m.key} data-testid="verdict-row">
              <td>{m.key}</td>
              <td className="mono">{fmt(m.original)}</td>
              <td className="mono">{fmt(m.mean ?? m.values[0])}</td>
              <td className="mono">{fmt(m.rel_diff)}</td>
              <td>{m.status}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
