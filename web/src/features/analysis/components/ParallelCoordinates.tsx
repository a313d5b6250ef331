// The parallel coordinates chart (ECharts `parallel`): drag on an axis to brush, hover a line for
// the run, click it to open the run. The brush is controlled: the parent keeps it and filters runs.
import { ParallelChart } from "echarts/charts";
import { ParallelComponent, TooltipComponent, VisualMapContinuousComponent } from "echarts/components";
import * as echarts from "echarts/core";
import { CanvasRenderer } from "echarts/renderers";
import { type JSX, useEffect, useMemo, useRef } from "react";
import { useECharts } from "../../../lib/useECharts";
import { useDocumentTheme } from "../../charts/hooks/useDocumentTheme";
import { type AnalysisRun, type AxisSpec, type Brush, type Goal, buildAxes, plottableRuns } from "../lib/axes";
import { setAxisBrush } from "../lib/brush";
import { type ChartColors, PLOT_MARGIN, axisId, buildOption } from "../lib/chartOption";
import { runTooltip } from "../lib/tooltip";

echarts.use([ParallelChart, ParallelComponent, TooltipComponent, VisualMapContinuousComponent, CanvasRenderer]);

export interface ParallelCoordinatesProps {
  runs: readonly AnalysisRun[];
  /** flattened config keys, one axis each, in order */
  params: readonly string[];
  /** the summary key of the last axis, which also colours the lines */
  metric: string;
  goal: Goal;
  brush: Brush;
  onBrush: (brush: Brush) => void;
  onOpenRun: (id: string) => void;
  height?: number;
}

interface AreaSelectEvent {
  parallelAxisId?: string;
  intervals?: number[][];
}

interface ItemEvent {
  dataIndex?: number;
  seriesType?: string;
}

/**
 * Sets every axis's brushed intervals (none clears it) without echoing events, then redraws: the
 * axes draw their brush rectangles only when rendered, and `axisAreaSelect` alone does not render.
 */
function applyBrush(chart: echarts.ECharts, axes: readonly AxisSpec[], brush: Brush): void {
  axes.forEach((axis, i) => {
    // A category brush is a range of indices, often one ([1, 1]): drawn as it is it has no height,
    // so it is drawn half a category wider each way (the same runs fall inside).
    const pad = axis.kind === "category" ? 0.45 : 0;
    const intervals = (brush[axis.key] ?? []).map(([lo, hi]) => [lo - pad, hi + pad]);
    chart.dispatchAction({ type: "axisAreaSelect", parallelAxisId: axisId(i), intervals }, { silent: true });
  });
  // Lines the mouse crossed while dragging keep their hover highlight through the redraw (drawn at
  // the opacity they had then: brushed lines looked brushed after leaving the brush): end it.
  chart.dispatchAction({ type: "downplay", seriesIndex: 0 });
  chart.resize();
}

function readColors(element: HTMLElement): ChartColors {
  const style = getComputedStyle(element);
  const read = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  return {
    text: read("--cc-text", "#1f2430"),
    muted: read("--cc-axis-text", "#5f6673"),
    border: read("--cc-border-strong", "#cfd4dc"),
    background: read("--cc-tip-bg", "#ffffff"),
  };
}

export function ParallelCoordinates(props: ParallelCoordinatesProps): JSX.Element {
  const { params, metric, goal, brush, height = 340 } = props;
  const theme = useDocumentTheme();
  const runs = useMemo(() => plottableRuns(props.runs, metric), [props.runs, metric]);
  const axes = useMemo(() => buildAxes(runs, params, metric), [runs, params, metric]);

  // Handlers read the latest props through a ref, so the chart is bound once.
  const latest = useRef({ runs, axes, brush, onBrush: props.onBrush, onOpenRun: props.onOpenRun });
  latest.current = { runs, axes, brush, onBrush: props.onBrush, onOpenRun: props.onOpenRun };

  const { ref, chart: chartRef } = useECharts((chart) => {
    chart.on("axisareaselected", (event: unknown) => {
      const { parallelAxisId, intervals } = event as AreaSelectEvent;
      const now = latest.current;
      const index = now.axes.findIndex((_, i) => axisId(i) === parallelAxisId);
      const axis = now.axes[index];
      if (!axis) return;
      now.onBrush(setAxisBrush(now.brush, axis.key, intervals ?? []));
    });
    chart.on("click", (event: unknown) => {
      const { dataIndex, seriesType } = event as ItemEvent;
      const run = seriesType === "parallel" && dataIndex !== undefined ? latest.current.runs[dataIndex] : undefined;
      if (run) latest.current.onOpenRun(run.id);
    });
  });

  // Redraw when the data or the axes change, then put the brush back on its axes.
  useEffect(() => {
    const chart = chartRef.current;
    const element = ref.current;
    if (!chart || !element) return;
    const option = buildOption(runs, axes, goal, readColors(element));
    option.tooltip = {
      ...(option.tooltip as object),
      formatter: (item: unknown) => {
        const index = (item as ItemEvent).dataIndex ?? -1;
        const run = runs[index];
        return run ? runTooltip(run, axes) : "";
      },
    };
    chart.setOption(option, { notMerge: true });
    applyBrush(chart, axes, latest.current.brush);
  }, [runs, axes, goal, theme]);

  // A brush changed from outside (the "Clear brush" button) shows on the axes too.
  const brushKey = JSON.stringify(brush);
  useEffect(() => {
    if (chartRef.current) applyBrush(chartRef.current, latest.current.axes, latest.current.brush);
  }, [brushKey]);

  return (
    <div
      ref={ref}
      className="an-parallel"
      style={{ height }}
      data-testid="parallel-coordinates"
      data-axes={axes.map((a) => a.key).join(",")}
      data-axis-kinds={axes.map((a) => a.kind).join(",")}
      data-line-count={runs.length}
      data-margin={`${PLOT_MARGIN.left},${PLOT_MARGIN.right},${PLOT_MARGIN.top},${PLOT_MARGIN.bottom}`}
    />
  );
}
