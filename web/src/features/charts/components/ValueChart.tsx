// The scatter and bar panels' chart: ECharts is loaded with the first such panel, not with the app.
import { type JSX, lazy, Suspense } from "react";
import type { ValueChartCanvasProps } from "./ValueChartCanvas";

const ValueChartCanvas = lazy(() => import("./ValueChartCanvas"));

export function ValueChart(props: ValueChartCanvasProps): JSX.Element {
  return (
    <Suspense fallback={<div style={{ width: props.width, height: props.height }} data-loading="true" />}>
      <ValueChartCanvas {...props} />
    </Suspense>
  );
}
