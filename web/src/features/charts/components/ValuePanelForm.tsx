// The fields of a scatter, bar or scalar panel: which run values (config.* and summary.* keys) it
// shows and how. Used to add such a panel (inside AddPanelDialog) and to edit one.
import { type JSX, type ReactNode, useRef, useState } from "react";
import type { ValueRun } from "../lib/runValues";
import { keyLabel } from "../lib/valueOptions";
import { type Aggregation, AGGREGATIONS, type PanelSpec } from "../state/layout";
import { useDismiss } from "./usePopover";

export type ValueKind = "scatter" | "bar" | "scalar";

export interface ValuePanelFormProps {
  kind: ValueKind;
  /** numeric value keys of the runs ("config.lr", "summary.val/acc") */
  keys: readonly string[];
  runs: readonly ValueRun[];
  initial?: PanelSpec;
  title: string;
  confirmLabel: string;
  /** above the fields (the kind tabs of AddPanelDialog) */
  header?: ReactNode;
  onConfirm: (spec: PanelSpec) => void;
  onCancel: () => void;
}

export const AGGREGATION_LABELS: Record<Aggregation, string> = {
  mean: "Mean",
  min: "Minimum",
  max: "Maximum",
  last: "Newest run",
  run: "One run",
};

function KeySelect(props: { label: string; value: string; keys: readonly string[]; none?: string; onChange: (v: string) => void }): JSX.Element {
  const config = props.keys.filter((k) => k.startsWith("config."));
  const summary = props.keys.filter((k) => k.startsWith("summary."));
  return (
    <label className="cc-form-row">
      <span>{props.label}</span>
      <select value={props.value} aria-label={props.label} onChange={(e) => props.onChange(e.target.value)}>
        {props.none !== undefined && <option value="">{props.none}</option>}
        {config.length > 0 && (
          <optgroup label="Config">
            {config.map((k) => (
              <option key={k} value={k}>
                {keyLabel(k)}
              </option>
            ))}
          </optgroup>
        )}
        {summary.length > 0 && (
          <optgroup label="Summary">
            {summary.map((k) => (
              <option key={k} value={k}>
                {keyLabel(k)}
              </option>
            ))}
          </optgroup>
        )}
      </select>
    </label>
  );
}

export function ValuePanelForm(props: ValuePanelFormProps): JSX.Element {
  const { kind, keys, initial } = props;
  const ref = useRef<HTMLDivElement>(null);
  useDismiss(ref, true, props.onCancel);
  const firstSummary = keys.find((k) => k.startsWith("summary.")) ?? keys[0] ?? "";
  const firstConfig = keys.find((k) => k.startsWith("config.")) ?? keys[0] ?? "";
  const [x, setX] = useState(kind === "scatter" ? (initial?.keys[0] ?? firstConfig) : "");
  const [y, setY] = useState(kind === "scatter" ? (initial?.keys[1] ?? firstSummary) : (initial?.keys[0] ?? firstSummary));
  const [color, setColor] = useState(initial?.colorBy ?? "");
  const [logx, setLogx] = useState(initial?.logx === true);
  const [logy, setLogy] = useState(initial?.logy === true);
  const [agg, setAgg] = useState<Aggregation>(initial?.agg ?? "mean");
  const [run, setRun] = useState(initial?.run ?? props.runs[0]?.id ?? "");
  const invalid = kind === "scatter" ? !x || !y || x === y : !y || (kind === "scalar" && agg === "run" && !run);

  const confirm = () => {
    if (kind === "scatter") {
      props.onConfirm({ kind, keys: [x, y], ...(color ? { colorBy: color } : {}), ...(logx ? { logx } : {}), ...(logy ? { logy } : {}) });
    } else if (kind === "bar") {
      props.onConfirm({ kind, keys: [y] });
    } else {
      props.onConfirm({ kind, keys: [y], agg, ...(agg === "run" ? { run } : {}) });
    }
  };

  return (
    <div className="cc-popover cc-picker cc-form" ref={ref} role="dialog" aria-label={props.title} data-testid="value-panel-form">
      <div className="cc-picker-title">{props.title}</div>
      {props.header}
      {keys.length === 0 ? (
        <div className="cc-muted">These runs have no numeric config or summary values.</div>
      ) : kind === "scatter" ? (
        <>
          <KeySelect label="X" value={x} keys={keys} onChange={setX} />
          <KeySelect label="Y" value={y} keys={keys} onChange={setY} />
          <KeySelect label="Colour by" value={color} keys={keys} none="Run colours" onChange={setColor} />
          <div className="cc-form-row">
            <label className="cc-check">
              <input type="checkbox" checked={logx} onChange={(e) => setLogx(e.target.checked)} />
              <span>Log x</span>
            </label>
            <label className="cc-check">
              <input type="checkbox" checked={logy} onChange={(e) => setLogy(e.target.checked)} />
              <span>Log y</span>
            </label>
          </div>
        </>
      ) : (
        <>
          <KeySelect label="Value" value={y} keys={keys} onChange={setY} />
          {kind === "scalar" && (
            <label className="cc-form-row">
              <span>Show</span>
              <select value={agg} aria-label="Show" onChange={(e) => setAgg(e.target.value as Aggregation)}>
                {AGGREGATIONS.map((a) => (
                  <option key={a} value={a}>
                    {AGGREGATION_LABELS[a]}
                  </option>
                ))}
              </select>
            </label>
          )}
          {kind === "scalar" && agg === "run" && (
            <label className="cc-form-row">
              <span>Run</span>
              <select value={run} aria-label="Run" onChange={(e) => setRun(e.target.value)}>
                {props.runs.map((r) => (
                  <option key={r.id} value={r.id}>
                    {r.name}
                  </option>
                ))}
              </select>
            </label>
          )}
        </>
      )}
      <div className="cc-picker-actions">
        <span className="cc-muted">{kind === "scatter" && x === y && x ? "Pick two different keys" : ""}</span>
        <button type="button" className="cc-button" onClick={props.onCancel}>
          Cancel
        </button>
        <button type="button" className="cc-button cc-primary" disabled={invalid} onClick={confirm}>
          {props.confirmLabel}
        </button>
      </div>
    </div>
  );
}
