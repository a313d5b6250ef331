import { exactValue, formatValue, isNumeric } from "../../../lib/format";
import { bestOf, type BestMark, type DirectionSources } from "../state/best";
import type { DiffRow } from "../state/diff";
import type { ComparedRun } from "../state/runRefs";

/** What a column needs of its run: the compare page's runs, or a report panel's. */
export type DiffColumn = Pick<ComparedRun, "ref" | "id" | "name" | "color" | "place" | "metric_defs">;

/** Width of the key column and the least width of a run column, in px (more runs scroll sideways). */
const KEY_WIDTH = 260;
const MIN_RUN_WIDTH = 130;

interface DiffTableProps<R extends DiffColumn> {
  testId: string;
  runs: R[];
  rows: DiffRow[];
  /** summary rows: NaN/∞ read as numbers and the best value per row is marked */
  summary: boolean;
  onRemove: ((run: R) => void) | null;
  /** equal rows are hidden: differing rows keep their mark but not their fill */
  onlyDifferences: boolean;
  /** sweep goals of the compared runs (their define_metric rules come with the runs) */
  goals: DirectionSources["goals"];
}

/** Keys as rows, one column per run in its colour; rows whose values differ are marked. */
export function DiffTable<R extends DiffColumn>({ testId, runs, rows, summary, onRemove, onlyDifferences, goals }: DiffTableProps<R>) {
  const sources: DirectionSources = { defs: runs.map((run) => run.metric_defs ?? []), goals };
  return (
    <div className="diff-scroll">
      <table
        className={onlyDifferences ? "diff-table only-differences" : "diff-table"}
        data-testid={testId}
        style={{ minWidth: KEY_WIDTH + runs.length * MIN_RUN_WIDTH }}
      >
        <colgroup>
          <col style={{ width: KEY_WIDTH }} />
          {runs.map((run) => (
            <col key={run.ref} />
          ))}
        </colgroup>
        <thead>
          <tr>
            <th className="diff-key">Key</th>
            {runs.map((run) => (
              <th key={run.ref} style={{ borderTopColor: run.color }} title={`${run.name} (${run.place ? `${run.place}/` : ""}${run.id})`} data-run-ref={run.ref}>
                <span className="diff-run-head">
                  <span className="swatch" style={{ background: run.color }} />
                  <span className="diff-run-name">{run.name}</span>
                  {run.place && (
                    <span className="diff-run-project muted small" data-testid="run-project">
                      {run.place}
                    </span>
                  )}
                  {onRemove && (
                    <button
                      type="button"
                      className="tag-remove"
                      aria-label={`Remove ${run.name} from the comparison`}
                      title={`Remove ${run.name} from the comparison`}
                      data-testid="remove-run-column"
                      onClick={() => onRemove(run)}
                    >
                      ×
                    </button>
                  )}
                </span>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => {
            const best = summary ? bestOf(row.key, row.values, sources) : null;
            return (
              <tr
                key={row.key}
                className={row.differs && runs.length > 1 ? "differs" : ""}
                data-testid="diff-row"
                data-key={row.key}
                data-differs={row.differs}
              >
                <td className="diff-key" title={row.key}>
                  {row.key}
                </td>
                {row.values.map((value, i) => (
                  <ValueCell key={runs[i]?.ref ?? i} value={value} summary={summary} best={best?.best.includes(i) ? best : null} />
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function ValueCell({ value, summary, best }: { value: DiffRow["values"][number]; summary: boolean; best: BestMark | null }) {
  const classes = ["mono", isNumeric(value, summary) ? "num" : "", best ? "best" : ""].filter(Boolean).join(" ");
  const why = best ? `Best: ${best.direction === "min" ? "lowest" : "highest"} (${best.rule})` : "";
  return (
    <td className={classes} title={value === undefined ? "missing" : exactValue(value)} data-best={best ? "true" : undefined}>
      {best && (
        <span className="best-mark" role="img" aria-label={why} title={why} data-testid="best-mark">
          ★
        </span>
      )}
      {value === undefined ? <span className="cell-missing">—</span> : formatValue(value, summary)}
    </td>
  );
}
