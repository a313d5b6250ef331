// A small ECharts host: sets the option in the theme's colours (axes, grid, text; again when the theme
// changes) and marks the element once drawn (data-rendered, data-theme). Importing this module
// pulls in ECharts: only `./EChart` (React.lazy) imports it, so ECharts loads with the first chart.
import { BarChart, HeatmapChart, LineChart, ScatterChart } from "echarts/charts";
import { GridComponent, LegendComponent, TitleComponent, TooltipComponent, VisualMapComponent } from "echarts/components";
import * as echarts from "echarts/core";
import { CanvasRenderer } from "echarts/renderers";
import { type JSX, useEffect } from "react";
import { echartsTheme, useChartTheme } from "../../../lib/chartTheme";
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
  const theme = useChartTheme();

  useEffect(() => {
    const instance = chart.current;
    if (!instance) return;
    const element = host.current;
    const mark = () => {
      element?.setAttribute("data-rendered", "true");
      element?.setAttribute("data-theme", theme.name);
    };
    instance.on("finished", mark);
    // setTheme needs an option to apply to (it does nothing on a chart that has none yet).
    instance.setOption(option, true);
    instance.setTheme(echartsTheme(theme));
    return () => {
      instance.off("finished", mark);
    };
  }, [option, theme]);

  return <div ref={host} className="md-echart" style={{ height }} data-testid={testId} />;
}
