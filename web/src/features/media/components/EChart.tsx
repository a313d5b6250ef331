// The media panels' chart: the ECharts host (`EChartCanvas`) is loaded on demand, so ECharts is
// downloaded when the first histogram, `cairn.plot` chart or point cloud is shown, not with the app.
// Until then an empty box of the chart's height holds its place, so the layout does not jump.
import type { EChartsCoreOption } from "echarts/core";
import { type JSX, lazy, Suspense } from "react";

export type ChartOption = EChartsCoreOption;

const EChartCanvas = lazy(() => import("./EChartCanvas"));

export function EChart({ option, testId, height }: { option: ChartOption; testId: string; height: number }): JSX.Element {
  return (
    <Suspense fallback={<div className="md-echart" style={{ height }} data-loading="true" />}>
      <EChartCanvas option={option} testId={testId} height={height} />
    </Suspense>
  );
}
