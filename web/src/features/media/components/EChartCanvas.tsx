// A small ECharts host: sets the option and marks the element once drawn. Importing this module
// pulls in ECharts: only `./EChart` (React.lazy) imports it, so ECharts loads with the first chart.
import { BarChart, HeatmapChart, LineChart, ScatterChart } from "echarts/charts";
import { GridComponent, LegendComponent, TitleComponent, TooltipComponent, VisualMapComponent } from "echarts/components";
import * as echarts from "echarts/core";
import { CanvasRenderer } from "echarts/renderers";
import { type JSX, useEffect } from "react";
import { useECharts } from "../../../lib/useECharts";

echarts.use([
  HeatmapChart,
  LineChart,
  ScatterChart,
  BarChart,
  GridComponent,
  TooltipComponent,
  VisualMapComponent,
  LegendComponent,
  TitleComponent,
  CanvasRenderer,
]);

export type ChartOption = echarts.EChartsCoreOption;

export default function EChartCanvas({ option, testId, height }: { option: ChartOption; testId: string; height: number }): JSX.Element {
  const { ref: host, chart } = useECharts();

  useEffect(() => {
    const instance = chart.current;
    if (!instance) return;
    instance.setOption(option, true);
    const element = host.current;
    const mark = () => element?.setAttribute("data-rendered", "true");
    instance.on("finished", mark);
    return () => {
      instance.off("finished", mark);
    };
  }, [option]);

  return <div ref={host} className="md-echart" style={{ height }} data-testid={testId} />;
}
