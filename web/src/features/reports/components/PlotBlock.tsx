// A report's plot panel: the `cairn.plot` chart one run logged (confusion matrix, PR/ROC curves...),
// drawn by the run page's own PlotChart from the rows the panel read (or froze), with what it is
// under it: the chart's type, step and classes or series, as text a reader (and a search) finds.
import type { JSX } from "react";
import { PlotChart } from "../../media/components/PlotPanel";
import type { PanelBlock, PanelData } from "../api";
import { plotNames } from "../lib/plotNames";

/** Names listed under the chart, at most. */
const MAX_NAMES = 20;

export function PlotBlock({ panel, data }: { panel: PanelBlock; data: PanelData }): JSX.Element {
  const plot = data.plot;
  if (!plot) {
    const at = panel.step === null || panel.step === undefined ? "" : ` at step ${panel.step}`;
    return (
      <div className="muted rp-chart-empty" data-testid="panel-no-plot">
        {data.note ?? `No chart ${panel.keys[0] ?? ""}${at} in this run.`}
      </div>
    );
  }
  const listed = plotNames(plot);
  const shown = plot.columns.length ? (plot.data[plot.columns[0] ?? ""] ?? []).length : 0;
  return (
    <div className="rp-plot" data-testid="panel-plot" data-type={plot.spec.type} data-step={plot.step}>
      <PlotChart spec={plot.spec} page={plot} />
      <div className="muted small" data-testid="panel-plot-note">
        {plot.spec.title ? `${plot.spec.title} · ` : ""}
        {plot.spec.type.replace("_", " ")} at step {plot.step}
        {listed.length > 0 && ` · ${plot.spec.type === "confusion_matrix" ? "classes" : "series"}: ${listed.slice(0, MAX_NAMES).join(", ")}`}
        {listed.length > MAX_NAMES && ` and ${listed.length - MAX_NAMES} more`}
        {shown < plot.rows && ` · the first ${shown} of ${plot.rows} rows`}
      </div>
    </div>
  );
}
