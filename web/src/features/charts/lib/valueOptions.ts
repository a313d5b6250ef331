// ECharts options of the value panels: a scatter of one run value against another (coloured by a
// third on a continuous scale, or by run), and bars of one value per run or group with min–max
// whiskers. Tooltips are HTML: every name and key goes through `html` (escaped).
import { html } from "../../../lib/escapeHtml";
import { formatCompact, formatValue } from "./format";
import type { Bar, ScatterPoint } from "./runValues";

/** Low → high, readable on the light and the dark panel. */
export const COLOR_SCALE = ["#3d6fd9", "#2bb3a0", "#e6b422", "#e8553e"];

/** A value key without its source prefix, for axis names ("summary.val/acc" → "val/acc"). */
export function keyLabel(key: string): string {
  return key.replace(/^(config|summary)\./, "");
}

/** Where a test or a pointer finds an item: series, the value to convert to pixels, and its run. */
export interface Anchor {
  series: number;
  value: [number | string, number | string];
  runId: string | null;
  label: string;
}

export interface ValueChart {
  option: Record<string, unknown>;
  anchors: Anchor[];
}

const GRID = { left: 10, right: 16, top: 14, bottom: 26, containLabel: true };

function axisLabel(value: number): string {
  return formatCompact(value, 3);
}

export function scatterChart(
  points: readonly ScatterPoint[],
  keys: { x: string; y: string; color: string | null },
  log: { x: boolean; y: boolean },
): ValueChart {
  const colored = keys.color !== null ? points.filter((p) => p.c !== null) : [];
  const plain = keys.color !== null ? points.filter((p) => p.c === null) : [...points];
  const cs = colored.map((p) => p.c as number);
  const lo = cs.length > 0 ? Math.min(...cs) : 0;
  const hi = cs.length > 0 ? Math.max(...cs) : 1;
  const tooltipFor = (p: ScatterPoint) =>
    html`<b>${p.run.name}</b><br/>${keyLabel(keys.x)}: <b>${formatValue(p.x)}</b><br/>${keyLabel(keys.y)}: <b>${formatValue(p.y)}</b>${
      keys.color !== null ? html`<br/>${keyLabel(keys.color)}: <b>${p.c === null ? "—" : formatValue(p.c)}</b>` : ""
    }`.markup;
  const series = [colored, plain].map((list, index) => ({
    type: "scatter",
    name: index === 0 ? "coloured" : "runs",
    symbolSize: 10,
    itemStyle: { opacity: 0.9, borderColor: "rgba(0,0,0,0.25)", borderWidth: 0.5 },
    emphasis: { scale: 1.6 },
    data: list.map((p) => ({
      value: [p.x, p.y, p.c ?? 0],
      itemStyle: index === 0 ? undefined : { color: keys.color !== null ? "#9aa1ad" : p.run.color },
    })),
    tooltip: { formatter: (item: { dataIndex: number }) => { const p = list[item.dataIndex]; return p ? tooltipFor(p) : ""; } },
  }));
  const option: Record<string, unknown> = {
    animation: false,
    grid: { ...GRID, top: 28, right: keys.color !== null ? 78 : GRID.right },
    tooltip: { trigger: "item", confine: true },
    xAxis: {
      type: log.x ? "log" : "value",
      scale: true,
      name: keyLabel(keys.x),
      nameLocation: "middle",
      nameGap: 24,
      splitNumber: 4,
      axisLabel: { formatter: axisLabel, hideOverlap: true },
    },
    yAxis: {
      type: log.y ? "log" : "value",
      scale: true,
      name: keyLabel(keys.y),
      nameLocation: "end",
      nameTextStyle: { align: "left" },
      axisLabel: { formatter: axisLabel },
    },
    series,
  };
  if (keys.color !== null) {
    option.visualMap = {
      type: "continuous",
      seriesIndex: 0,
      dimension: 2,
      min: lo,
      max: hi > lo ? hi : lo + 1,
      calculable: false,
      inRange: { color: COLOR_SCALE },
      right: 4,
      top: "middle",
      itemWidth: 10,
      itemHeight: 110,
      text: [formatCompact(hi, 3), formatCompact(lo, 3)],
      textGap: 6,
    };
    option.title = { text: keyLabel(keys.color), right: 2, top: 0, textStyle: { fontSize: 11, fontWeight: "normal" } };
  }
  const anchors: Anchor[] = [colored, plain].flatMap((list, series) =>
    list.map((p) => ({ series, value: [p.x, p.y] as [number, number], runId: p.run.id, label: p.run.name })),
  );
  return { option, anchors };
}

/** The theme's colours the bar labels and whiskers are drawn in. */
export interface BarColors {
  text: string;
  panel: string;
}

/**
 * Bars of `list`, their values beside them; grouped, the value sits inside the bar's start, haloed
 * in the panel's colour, so the min–max whisker past the bar's end stays clear.
 */
export function barChart(list: readonly Bar[], key: string, grouped: boolean, colors: BarColors): ValueChart {
  const textColor = colors.text;
  const labels = list.map((b) => b.label);
  const tooltipFor = (b: Bar) =>
    b.low === null || b.high === null
      ? html`<b>${b.label}</b><br/>${keyLabel(key)}: <b>${formatValue(b.value)}</b>`.markup
      : html`<b>${b.label}</b> (${b.runIds.length} runs)<br/>mean ${keyLabel(key)}: <b>${formatValue(b.value)}</b><br/>min ${formatValue(b.low)} · max ${formatValue(b.high)}`.markup;
  const series: Record<string, unknown>[] = [
    {
      type: "bar",
      barMaxWidth: 22,
      data: list.map((b) => ({ value: b.value, itemStyle: { color: b.color } })),
      label: {
        show: true,
        position: grouped ? "insideLeft" : "right",
        formatter: (item: { value: number }) => formatValue(item.value),
        fontSize: 11,
        color: textColor,
        textBorderColor: colors.panel,
        textBorderWidth: grouped ? 2.5 : 0,
      },
      tooltip: { formatter: (item: { dataIndex: number }) => { const b = list[item.dataIndex]; return b ? tooltipFor(b) : ""; } },
    },
  ];
  if (grouped) {
    series.push({
      type: "custom",
      name: "min–max",
      silent: true,
      z: 5,
      data: list.map((b, i) => [b.low ?? b.value, b.high ?? b.value, i]),
      renderItem: (
        _params: unknown,
        api: { value: (i: number) => number; coord: (v: [number, number]) => [number, number]; size: (v: [number, number]) => [number, number] },
      ) => {
        const [x0, y] = api.coord([api.value(0), api.value(2)]);
        const [x1] = api.coord([api.value(1), api.value(2)]);
        const cap = api.size([0, 1])[1] * 0.18;
        const style = { stroke: textColor, lineWidth: 1.5, opacity: 0.75 };
        return {
          type: "group",
          children: [
            { type: "line", shape: { x1: x0, y1: y, x2: x1, y2: y }, style },
            { type: "line", shape: { x1: x0, y1: y - cap, x2: x0, y2: y + cap }, style },
            { type: "line", shape: { x1: x1, y1: y - cap, x2: x1, y2: y + cap }, style },
          ],
        };
      },
      encode: { x: [0, 1], y: 2 },
    });
  }
  const option: Record<string, unknown> = {
    animation: false,
    grid: { ...GRID, right: 46 },
    tooltip: { trigger: "item", confine: true },
    xAxis: { type: "value", scale: false, name: keyLabel(key), nameLocation: "middle", nameGap: 24, axisLabel: { formatter: axisLabel } },
    yAxis: {
      type: "category",
      data: labels,
      inverse: true,
      axisLabel: { width: 120, overflow: "truncate", fontSize: 11 },
      axisTick: { show: false },
    },
    series,
  };
  const anchors: Anchor[] = list.map((b) => ({
    series: 0,
    value: [b.value / 2, b.label] as [number, string],
    runId: b.runIds.length === 1 ? (b.runIds[0] as string) : null,
    label: b.label,
  }));
  return { option, anchors };
}
