// A report's parallel coordinates or importance panel, drawn with the sweep page's own components:
// the keys are config keys then the target metric; brushing works as on the sweep page (it only
// highlights here: the report does not keep it).
import { type JSX, useMemo, useState } from "react";
import { useNavigate } from "react-router-dom";
import { ImportanceResult, ParallelCoordinates } from "../../analysis";
import { type Brush, defaultGoal } from "../../analysis/lib/axes";
import type { PanelBlock, PanelData, PanelRun } from "../api";
import { valueRuns } from "../lib/valueRuns";
import "../../analysis/analysis.css";

const HEIGHT = 300;

/** A flattened config key or summary metric from a panel key ("config.lr" → "lr"). */
function bare(key: string): string {
  return key.slice(key.indexOf(".") + 1);
}

export function AnalysisPanel({
  project,
  panel,
  data,
  colorOf,
}: {
  project: string;
  panel: PanelBlock;
  data: PanelData;
  colorOf: (run: PanelRun) => string;
}): JSX.Element {
  const navigate = useNavigate();
  const [brush, setBrush] = useState<Brush>({});
  const runs = useMemo(() => valueRuns(data.runs, colorOf), [data.runs, colorOf]);
  const params = useMemo(() => panel.keys.slice(0, -1).map(bare), [panel.keys]);
  const metric = bare(panel.keys[panel.keys.length - 1] ?? "");
  if (panel.kind === "importance") {
    return (
      <section className="an-importance rp-importance" data-testid="importance" data-state="ready">
        <header className="an-section-head">
          <h4>
            Parameter importance <span className="cc-muted">for {metric}</span>
          </h4>
          {data.importance && <span className="cc-muted">{data.importance.runs === 1 ? "1 run" : `${data.importance.runs} runs`}</span>}
        </header>
        {data.importance ? <ImportanceResult data={data.importance} /> : <p className="an-note">No importance for this panel.</p>}
      </section>
    );
  }
  return (
    <div className="rp-parallel" data-testid="panel-parallel">
      <ParallelCoordinates
        runs={runs}
        params={params}
        metric={metric}
        goal={panel.goal ?? defaultGoal(metric)}
        brush={brush}
        onBrush={setBrush}
        onOpenRun={(id) => navigate(`/p/${encodeURIComponent(project)}/r/${encodeURIComponent(id)}`)}
        height={HEIGHT}
      />
    </div>
  );
}
