// One card of the compare page (Config or Summary): its table, or why it is empty, and its counts.
import { plural } from "../../../lib/plural";
import type { DirectionSources } from "../state/best";
import { visibleRows, type DiffRow } from "../state/diff";
import { type DiffColumn, DiffTable } from "./DiffTable";

export interface TableView {
  rows: DiffRow[];
  /** rows matching the search that the "differences only" toggle hides */
  hidden: number;
  differing: number;
}

/** The rows a table shows under the search and the toggle, and how many the toggle hides. */
export function tableView(rows: readonly DiffRow[], hideEqual: boolean, search: string): TableView {
  const matching = visibleRows(rows, false, search);
  const shown = hideEqual ? matching.filter((row) => row.differs) : matching;
  return { rows: shown, hidden: matching.length - shown.length, differing: rows.filter((r) => r.differs).length };
}

interface DiffSectionProps<R extends DiffColumn> {
  title: string;
  testId: string;
  runs: R[];
  view: TableView;
  total: number;
  summary: boolean;
  /** what a row is, counted in the header ("config key" or "summary key" by default) */
  noun?: string;
  hideEqual: boolean;
  /** removes a run's column (null: its columns have no remove button) */
  onRemove: ((run: R) => void) | null;
  goals: DirectionSources["goals"];
}

export function DiffSection<R extends DiffColumn>({ title, testId, runs, view, total, summary, noun: named, hideEqual, onRemove, goals }: DiffSectionProps<R>) {
  const noun = named ?? (summary ? "summary key" : "config key");
  return (
    <section className="card">
      <div className="card-header">
        <h3>{title}</h3>
        <span className="muted small" data-testid={`${testId}-count`}>
          {runs.length > 1 ? `${view.differing} of ${plural(total, noun)} differ` : plural(total, noun)}
          {hideEqual && view.hidden > 0 && ` · ${view.hidden} equal hidden`}
        </span>
      </div>
      {view.rows.length ? (
        <DiffTable testId={testId} runs={runs} rows={view.rows} summary={summary}
          onRemove={runs.length > 1 ? onRemove : null}
          onlyDifferences={hideEqual}
          goals={goals}
        />
      ) : (
        <div className="muted pad" data-testid={`${testId}-empty`}>
          {total === 0
            ? `No ${noun}s.`
            : view.hidden > 0
              ? `Every run has the same ${title.toLowerCase()} (${plural(view.hidden, "row")} hidden).`
              : "No key matches the search."}
        </div>
      )}
    </section>
  );
}
