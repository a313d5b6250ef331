// The ECharts host of the scatter and bar panels, loaded on demand (see ValueChart): draws the
// option in the theme's colours, opens a run when its point or bar is clicked, and writes where
// each item is drawn (data-anchors: [run id or null, label, x px, y px]) once it has rendered.
import { BarChart, CustomChart, ScatterChart } from "echarts/charts";
import { GridComponent, TitleComponent, TooltipComponent, VisualMapContinuousComponent } from "echarts/components";
import * as echarts from "echarts/core";
import { CanvasRenderer } from "echarts/renderers";
import { type JSX, useEffect, useRef } from "react";
import { echartsTheme, useChartTheme } from "../../../lib/chartTheme";
import { useECharts } from "../../../lib/useECharts";
import type { ValueChart } from "../lib/valueOptions";

echarts.use([ScatterChart, BarChart, CustomChart, GridComponent, TooltipComponent, VisualMapContinuousComponent, TitleComponent, CanvasRenderer]);

export interface ValueChartCanvasProps {
  chart: ValueChart;
  width: number;
  height: number;
  onOpenRun: (runId: string) => void;
}

interface ItemEvent {
  seriesIndex?: number;
  dataIndex?: number;
}

export default function ValueChartCanvas({ chart, width, height, onOpenRun }: ValueChartCanvasProps): JSX.Element {
  const latest = useRef({ chart, onOpenRun });
  latest.current = { chart, onOpenRun };
  const { ref: host, chart: instance } = useECharts((c) => {
    c.on("click", (event: unknown) => {
      const { seriesIndex, dataIndex } = event as ItemEvent;
      const anchors = latest.current.chart.anchors.filter((a) => a.series === seriesIndex);
      const runId = dataIndex === undefined ? null : (anchors[dataIndex]?.runId ?? null);
      if (runId) latest.current.onOpenRun(runId);
    });
  });
  const theme = useChartTheme();

  useEffect(() => {
    const c = instance.current;
    const element = host.current;
    if (!c || !element) return;
    const mark = () => {
      const anchors = latest.current.chart.anchors.map((a) => {
        const [px, py] = c.convertToPixel({ seriesIndex: a.series }, a.value) as unknown as [number, number];
        return [a.runId, a.label, Math.round(px), Math.round(py)];
      });
      element.setAttribute("data-anchors", JSON.stringify(anchors));
      element.setAttribute("data-rendered", "true");
      element.setAttribute("data-theme", theme.name);
    };
    c.on("finished", mark);
    c.setOption(chart.option, true);
    c.setTheme(echartsTheme(theme));
    return () => {
      c.off("finished", mark);
    };
  }, [chart, theme, instance, host]);

  return <div ref={host} className="cc-value-chart" style={{ width, height }} data-testid="value-chart" />;
}
