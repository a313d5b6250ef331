// The compare page's title and its runs: colour, name (a link), project when several, state, and ×
// to remove; + to add a run of this project or another.
import { Link } from "react-router-dom";
import type { RunRow } from "../../../api/types";
import { StatePill } from "../../../components/StatePill";
import { Swatch } from "../../../components/Swatch";
import { plural } from "../../../lib/plural";
import type { ComparedRun, RunRef } from "../state/runRefs";
import { RunPicker } from "./RunPicker";

interface CompareHeaderProps {
  project: string;
  refs: readonly RunRef[];
  runs: ComparedRun[];
  onAdd: (run: RunRow) => void;
  onRemove: (ref: string) => void;
}

export function CompareHeader({ project, refs, runs, onAdd, onRemove }: CompareHeaderProps) {
  const byRef = new Map(runs.map((run) => [run.ref, run]));
  return (
    <div className="page-header compare-header">
      <h1 data-testid="compare-title">Compare {plural(refs.length, "run")}</h1>
      <div className="compare-runs">
        {refs.map(({ ref, project: home, id }) => {
          const run = byRef.get(ref);
          const name = run?.name ?? id;
          return (
            <span key={ref} className="compare-chip" data-testid="compare-run" data-run-id={ref} title={`${name} (${ref})`}>
              {run && <Swatch color={run.color} />}
              {run?.place && <span className="muted small" data-testid="run-project">{run.place}/</span>}
              <Link to={`/p/${encodeURIComponent(home)}/r/${encodeURIComponent(id)}`}>{name}</Link>
              {run && <StatePill state={run.state} />}
              <button
                type="button"
                className="tag-remove"
                aria-label={`Remove ${name} from the comparison`}
                title={`Remove ${name} from the comparison`}
                data-testid="remove-run"
                onClick={() => onRemove(ref)}
              >
                ×
              </button>
            </span>
          );
        })}
        <RunPicker project={project} exclude={refs} onAdd={onAdd} />
      </div>
    </div>
  );
}
