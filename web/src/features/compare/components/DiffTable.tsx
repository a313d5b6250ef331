import type { RunDetail } from "../../../api/types";
import { exactValue, formatValue, isNumeric } from "../../../lib/format";
import { runColor } from "../../../lib/colors";
import type { DiffRow } from "../state/diff";

interface DiffTableProps {
  testId: string;
  runs: RunDetail[];
  rows: DiffRow[];
  summary: boolean;
  highlight: boolean;
}

/** Keys as rows, one column per run in its colour; rows whose values differ are marked. */
export function DiffTable({ testId, runs, rows, summary, highlight }: DiffTableProps) {
  return (
    <div className="diff-scroll">
      <table className="diff-table" data-testid={testId}>
        <thead>
          <tr>
            <th className="diff-key">Key</th>
            {runs.map((run) => (
              <th key={run.id} style={{ borderTopColor: runColor(run) }} title={run.id}>
                <span className="swatch" style={{ background: runColor(run) }} /> {run.name}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr
              key={row.key}
              className={highlight && row.differs ? "differs" : ""}
              data-testid="diff-row"
              data-key={row.key}
              data-differs={row.differs}
            >
              <td className="diff-key" title={row.key}>
                {row.key}
              </td>
              {row.values.map((value, i) => (
                <td
                  key={runs[i]?.id ?? i}
                  className={isNumeric(value, summary) ? "mono num" : "mono"}
                  title={value === undefined ? "missing" : exactValue(value)}
                >
                  {value === undefined ? <span className="cell-missing">—</span> : formatValue(value, summary)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
