// Gradient-norm lines of several runs → one ECharts line chart, each run in its own colour (the
// table's swatch), its name escaped into the tooltip.
import { html, joinHtml } from "../../../lib/escapeHtml";
import type { Series } from "../../../api/types";
import type { MediaRun } from "./runChoice";

type Option = Record<string, unknown>;

interface AxisPoint {
  seriesName: string;
  color: string;
  value: [number, number | null];
}

export function normOption(lines: readonly Series[], runs: readonly MediaRun[]): Option | null {
  const byId = new Map(runs.map((r) => [r.id, r]));
  const drawn = lines.filter((line) => byId.has(line.run_id));
  if (!drawn.length) return null;
  return {
    animation: false,
    grid: { left: 40, right: 6, top: 8, bottom: 28 },
    tooltip: {
      trigger: "axis",
      formatter: (points: AxisPoint[]) => {
        const step = points[0]?.value[0] ?? "";
        const rows = points.map(
          (p) => html`<span style="color:${p.color}">●</span> ${p.seriesName}: ${p.value[1] === null ? "–" : p.value[1].toPrecision(4)}`,
        );
        return html`step ${step}<br/>${joinHtml(rows, html`<br/>`)}`.markup;
      },
    },
    xAxis: { type: "value", name: "step", nameLocation: "middle", nameGap: 18, axisLabel: { fontSize: 10 } },
    yAxis: { type: "value", scale: true, axisLabel: { fontSize: 10 } },
    series: drawn.map((line) => {
      const run = byId.get(line.run_id) as MediaRun;
      return {
        type: "line",
        name: run.name,
        showSymbol: false,
        color: run.color,
        lineStyle: { width: 1.5, color: run.color },
        data: line.x.map((x, i) => [x, line.y[i] ?? null]),
      };
    }),
  };
}
