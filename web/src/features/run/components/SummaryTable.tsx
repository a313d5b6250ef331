import { useMemo, useState } from "react";
import type { JsonValue } from "../../../api/types";
import { exactValue, formatValue, isNonFinite } from "../../../lib/format";

/** The run's summary (last or best value of each metric), searchable; "_" keys last. */
export function SummaryTable({ summary }: { summary: Record<string, JsonValue> }) {
  const [search, setSearch] = useState("");
  const keys = useMemo(
    () =>
      Object.keys(summary).sort((a, b) => Number(a.startsWith("_")) - Number(b.startsWith("_")) || a.localeCompare(b)),
    [summary],
  );
  const needle = search.trim().toLowerCase();
  const shown = needle ? keys.filter((k) => k.toLowerCase().includes(needle)) : keys;

  return (
    <section className="card" data-testid="summary-table">
      <div className="card-header">
        <h3>Summary</h3>
        <span className="muted small">{keys.length} keys</span>
        <input
          className="card-search"
          type="search"
          placeholder="Search summary"
          value={search}
          data-testid="summary-search"
          onChange={(e) => setSearch(e.target.value)}
        />
      </div>
      <table className="kv-table">
        <tbody>
          {shown.map((key) => (
            <tr key={key} data-testid="summary-row" data-key={key} className={key.startsWith("_") ? "muted" : ""}>
              <td className="kv-key">{key}</td>
              <td
                className={`kv-value mono${isNonFinite(summary[key]) ? " cell-nonfinite" : ""}`}
                title={exactValue(summary[key])}
              >
                {formatValue(summary[key], true)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {!shown.length && <div className="muted pad">{keys.length ? "No key matches" : "No summary yet"}</div>}
    </section>
  );
}
