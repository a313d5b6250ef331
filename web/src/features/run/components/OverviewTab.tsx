import type { RunDetail } from "../../../api/types";
import { ConfigTree } from "./ConfigTree";
import { RunInfo } from "./RunInfo";
import { SummaryTable } from "./SummaryTable";

export function OverviewTab({ run }: { run: RunDetail }) {
  return (
    <div className="overview" data-testid="overview-tab">
      <div className="overview-col">
        <ConfigTree config={run.config} />
      </div>
      <div className="overview-col">
        <SummaryTable summary={run.summary} />
        <RunInfo run={run} />
      </div>
    </div>
  );
}
