import { LogSnippet } from "../../../components/LogSnippet";

export function NoRunsYet({ project }: { project: string }) {
  return (
    <div className="empty-state" data-testid="runs-empty">
      <h2>No runs in {project} yet</h2>
      <p className="muted">Log one from a training script:</p>
      <LogSnippet project={project} />
    </div>
  );
}

export function NoRunsMatch({ onClear }: { onClear: () => void }) {
  return (
    <div className="empty-state" data-testid="runs-no-match">
      <h2>No runs match</h2>
      <p className="muted">Nothing in this project passes the filter and search.</p>
      <button type="button" className="button" data-testid="clear-filter" onClick={onClear}>
        Clear filter
      </button>
    </div>
  );
}

/** The URL's filter does not parse and no rows were loaded before: say where the error is. */
export function BadFilter({ onClear }: { onClear: () => void }) {
  return (
    <div className="empty-state" data-testid="runs-bad-filter">
      <h2>Fix the filter</h2>
      <p className="muted">The filter above has an error, shown under it; no runs are listed until it is fixed.</p>
      <button type="button" className="button" onClick={onClear}>
        Clear the filter
      </button>
    </div>
  );
}
