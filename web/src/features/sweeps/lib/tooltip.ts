// The sweep chart's tooltip, as the HTML ECharts shows: every logged name in it is escaped.
import { html } from "../../../lib/escapeHtml";
import { formatNumber } from "../../../lib/format";
import { absoluteTime } from "../../../lib/time";
import type { ProgressPoint } from "./progress";

/** A trial's point (`best` false) or the best-so-far line at that trial (`best` true). */
export function pointTooltip(point: ProgressPoint, metric: string, best: boolean): string {
  const label = best ? "best so far" : `trial ${point.trial}`;
  const shown = best ? point.best : point.value;
  return html`${label}<br/>${metric}: <b>${formatNumber(shown, 5)}</b><br/>${absoluteTime(point.t)}`.markup;
}
