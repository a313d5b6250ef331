// A `cairn.plot` value (confusion matrix, PR/ROC curves, line, scatter, bar, histogram) drawn with
// ECharts from the table it carries.
import { useQuery } from "@tanstack/react-query";
import { type JSX, useMemo } from "react";
import { useChartTheme } from "../../../lib/chartTheme";
import { mediaApi } from "../api";
import { plotOption } from "../lib/plotOption";
import { EChart } from "./EChart";

export function PlotPanel({
  project,
  runId,
  mediaKey,
  runName,
}: {
  project: string;
  runId: string;
  mediaKey: string;
  runName?: string;
}): JSX.Element {
  const query = useQuery({
    queryKey: ["plot", project, runId, mediaKey],
    queryFn: () => mediaApi.table(project, runId, { key: mediaKey, limit: 5000 }),
  });
  const spec = query.data?.spec ?? null;
  const theme = useChartTheme();
  const option = useMemo(
    () => (spec && query.data ? plotOption(spec, query.data, theme) : null),
    [spec, query.data, theme],
  );
  return (
    <div className="cc-panel md-panel" data-w="1" data-testid="plot-panel" data-key={mediaKey} data-type={spec?.type}>
      <div className="cc-panel-head">
        <h4 className="cc-panel-title" title={mediaKey}>
          {spec?.title || mediaKey}
          {runName && <span className="md-run-tag"> · {runName}</span>}
        </h4>
        {spec && <span className="md-note">{spec.type.replace("_", " ")}</span>}
      </div>
      {option ? (
        <EChart option={option} testId="plot-chart" height={260} />
      ) : (
        <div className="md-missing">{query.error ? query.error.message : query.isPending ? "Loading…" : "not a chart"}</div>
      )}
    </div>
  );
}
