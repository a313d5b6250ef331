// A panel of one value per run (config.* or summary.*): a scatter of two values coloured by a third,
// bars per run or group, or one big aggregated number. Follows the visible runs, their colours and
// the grouping; clicking a point or a run's bar opens the run.
import { type JSX, useCallback, useMemo, useRef, useState } from "react";
import { useNavigate } from "react-router-dom";
import { useChartTheme } from "../../../lib/chartTheme";
import { useElementSize } from "../hooks/useElementSize";
import { formatValue } from "../lib/format";
import { aggregate, bars, numericKeys, runValue, scatterPoints, type ValueRun } from "../lib/runValues";
import { type BarColors, barChart, keyLabel, scatterChart, type ValueChart as ValueChartSpec } from "../lib/valueOptions";
import type { Aggregation, PanelLayout, PanelSpec } from "../state/layout";
import type { PanelProps } from "./Panel";
import { PanelFrame } from "./PanelFrame";
import { ValueChart } from "./ValueChart";
import { AddToReportDialog } from "../../reports/components/AddToReportDialog";
import { AGGREGATION_LABELS, type ValueKind, ValuePanelForm } from "./ValuePanelForm";

/** Bars beyond this many would be too thin to read: the largest are drawn, and the panel says so. */
export const MAX_BARS = 40;

function panelTitle(panel: PanelLayout): string {
  const [a = "", b = ""] = panel.keys.map(keyLabel);
  if (panel.kind === "scatter") return `${b} vs ${a}`;
  if (panel.kind === "scalar") return `${a} · ${AGGREGATION_LABELS[panel.agg ?? "mean"].toLowerCase()}`;
  return a;
}

function chartOf(panel: PanelLayout, runs: readonly ValueRun[], grouped: boolean, colors: BarColors): ValueChartSpec | null {
  const [a, b] = panel.keys;
  if (panel.kind === "scatter" && a && b) {
    const log = { x: panel.logx === true, y: panel.logy === true };
    return scatterChart(scatterPoints(runs, a, b, panel.colorBy ?? null, log), { x: a, y: b, color: panel.colorBy ?? null }, log);
  }
  if (panel.kind === "bar" && a) return barChart(bars(runs, a, grouped).slice(0, MAX_BARS), a, grouped, colors);
  return null;
}

function Scalar({ panel, runs, height }: { panel: PanelLayout; runs: readonly ValueRun[]; height: number }): JSX.Element {
  const key = panel.keys[0] ?? "";
  const how: Aggregation = panel.agg ?? "mean";
  const result = aggregate(runs, key, how, panel.run);
  const size = Math.max(22, Math.min(80, height * 0.26));
  let caption: string;
  if (how === "run") caption = result.run ? result.run.name : "the run is not among the shown runs";
  else if (how === "mean") caption = `mean of ${result.count} run${result.count === 1 ? "" : "s"}`;
  else caption = `${AGGREGATION_LABELS[how].toLowerCase()} of ${result.count} run${result.count === 1 ? "" : "s"}${result.run ? `: ${result.run.name}` : ""}`;
  return (
    <div className="cc-scalar" data-testid="scalar" data-value={result.value ?? ""}>
      <div className="cc-scalar-value" style={{ fontSize: size, color: how !== "mean" && result.run ? result.run.color : undefined }}>
        {result.value === null ? "—" : formatValue(result.value)}
      </div>
      <div className="cc-scalar-caption" data-testid="scalar-caption">
        <span className="cc-scalar-key">{keyLabel(key)}</span> · {caption}
      </div>
    </div>
  );
}

export function ValuePanel(props: PanelProps): JSX.Element {
  const { project, section, panel, valueRuns, grouped } = props;
  const rootRef = useRef<HTMLDivElement>(null);
  const bodyRef = useRef<HTMLDivElement>(null);
  const size = useElementSize(bodyRef);
  const [editing, setEditing] = useState(false);
  const [reporting, setReporting] = useState(false);
  const navigate = useNavigate();
  const onOpenRun = useCallback(
    (id: string) => navigate(`/p/${encodeURIComponent(project)}/r/${encodeURIComponent(id)}`),
    [navigate, project],
  );
  const theme = useChartTheme();
  const chart = useMemo(
    () => chartOf(panel, valueRuns, grouped, { text: theme.text, panel: theme.panel }),
    [panel, valueRuns, grouped, theme.text, theme.panel],
  );
  const valueKeys = useMemo(() => numericKeys(valueRuns), [valueRuns]);
  const withValue = valueRuns.filter((r) => panel.keys.every((k) => runValue(r, k) !== null)).length;
  const title = panelTitle(panel);
  const barList = useMemo(
    () => (panel.kind === "bar" && panel.keys[0] ? bars(valueRuns, panel.keys[0], grouped) : null),
    [panel, valueRuns, grouped],
  );

  const body = (width: number, height: number) => {
    if (width <= 0 || height <= 0) return null;
    if (panel.kind === "scalar") return <Scalar panel={panel} runs={valueRuns} height={height} />;
    if (!chart || chart.anchors.length === 0) {
      return <div className="cc-panel-note">{valueRuns.length === 0 ? "No runs shown" : "No shown run has these values"}</div>;
    }
    return <ValueChart chart={chart} width={width} height={height} onOpenRun={onOpenRun} />;
  };

  return (
    <PanelFrame
      section={section}
      panel={panel}
      title={title}
      rootRef={rootRef}
      bodyRef={bodyRef}
      data={{
        "data-keys": panel.keys.join(", "),
        "data-state": "ready",
        "data-run-count": withValue,
        "data-bars": barList ? JSON.stringify(barList.map((b) => [b.label, b.value, b.low, b.high])) : undefined,
      }}
      menu={[
        { label: "Edit panel…", onSelect: () => setEditing(true) },
        { label: "Add to report…", onSelect: () => setReporting(true) },
      ]}
      badges={
        barList && barList.length > MAX_BARS ? (
          <span className="cc-muted cc-small" data-testid="bar-limit" title="Hide runs in the table, or group them, to see the others">
            largest {MAX_BARS} of {barList.length}
          </span>
        ) : undefined
      }
      neighbours={{ before: props.before, after: props.after }}
      overlay={
        reporting ? (
          <AddToReportDialog project={project} panel={{ kind: panel.kind as ValueKind, keys: panel.keys }} onClose={() => setReporting(false)} />
        ) : (
          editing && (
          <ValuePanelForm
            kind={panel.kind as ValueKind}
            keys={valueKeys}
            runs={valueRuns}
            initial={panel}
            title="Edit panel"
            confirmLabel="Apply"
            onCancel={() => setEditing(false)}
            onConfirm={(spec: PanelSpec) => {
              setEditing(false);
              props.onEditKeys(section, panel.id, spec.keys);
              props.onSettings(section, panel.id, {
                colorBy: spec.colorBy,
                logx: spec.logx,
                logy: spec.logy,
                agg: spec.agg,
                run: spec.run,
              });
            }}
          />
          )
        )
      }
      renderFull={(full) => body(full.width, full.height)}
      onRemove={props.onRemove}
      onResize={props.onResize}
      onMove={props.onMove}
      pinned={props.pinned}
      onPin={props.onPin}
    >
      {body(size.width, size.height)}
    </PanelFrame>
  );
}
