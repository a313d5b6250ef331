// The parallel coordinates tooltip, as the HTML ECharts shows: the run's name and its value on each
// axis; names, config keys and values are escaped.
import { html, joinHtml } from "../../../lib/escapeHtml";
import type { AnalysisRun, AxisSpec } from "./axes";
import { formatValue } from "./rank";

export function runTooltip(run: AnalysisRun, axes: readonly AxisSpec[]): string {
  const rows = axes.map((axis) => {
    const value = axis.source === "config" ? run.config[axis.key] : run.summary[axis.key];
    return html`${axis.key}: <b>${formatValue(value)}</b>`;
  });
  return html`<b>${run.name}</b><br/>${joinHtml(rows, html`<br/>`)}`.markup;
}
