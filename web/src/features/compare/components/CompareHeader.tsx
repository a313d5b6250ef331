// The compare page's title and its runs: colour, name (a link), state, and × to remove; + to add.
import { Link } from "react-router-dom";
import type { RunDetail, RunRow } from "../../../api/types";
import { StatePill } from "../../../components/StatePill";
import { Swatch } from "../../../components/Swatch";
import { runColor } from "../../../lib/colors";
import { plural } from "../../../lib/plural";
import { RunPicker } from "./RunPicker";

interface CompareHeaderProps {
  project: string;
  ids: readonly string[];
  runs: RunDetail[];
  onAdd: (run: RunRow) => void;
  onRemove: (id: string) => void;
}

export function CompareHeader({ project, ids, runs, onAdd, onRemove }: CompareHeaderProps) {
  const byId = new Map(runs.map((run) => [run.id, run]));
  return (
    <div className="page-header compare-header">
      <h1 data-testid="compare-title">Compare {plural(ids.length, "run")}</h1>
      <div className="compare-runs">
        {ids.map((id) => {
          const run = byId.get(id);
          const name = run?.name ?? id;
          return (
            <span key={id} className="compare-chip" data-testid="compare-run" data-run-id={id} title={`${name} (${id})`}>
              {run && <Swatch color={runColor(run)} />}
              <Link to={`/p/${encodeURIComponent(project)}/r/${encodeURIComponent(id)}`}>{name}</Link>
              {run && <StatePill state={run.state} />}
              <button
                type="button"
                className="tag-remove"
                aria-label={`Remove ${name} from the comparison`}
                title={`Remove ${name} from the comparison`}
                data-testid="remove-run"
                onClick={() => onRemove(id)}
              >
                ×
              </button>
            </span>
          );
        })}
        <RunPicker project={project} exclude={ids} onAdd={onAdd} />
      </div>
    </div>
  );
}
