// Settings shared by every panel: panel search, smoothing, x axis, log y, zoom reset, add panel.
import { type JSX, useState } from "react";
import type { XAxis } from "../../../api/types";
import { MAX_SMOOTHING } from "../lib/smoothing";
import { xAxisLabel } from "../plot/axes";
import { BUILT_IN_X, type Zoom } from "../state/viewState";
import type { ValueRun } from "../lib/runValues";
import type { PanelSpec } from "../state/layout";
import { AddPanelDialog } from "./AddPanelDialog";

export interface ChartToolbarProps {
  /** the panel search as typed */
  search: string;
  /** why the search is not a valid /regular expression/, if it is not */
  searchError: string | null;
  onSearchChange: (text: string) => void;
  smoothing: number;
  x: XAxis;
  /** an x axis the URL asked for that these runs never logged (the step is drawn instead) */
  unknownX?: string | null;
  logy: boolean;
  zoom: Zoom | null;
  metricKeys: readonly string[];
  valueKeys: readonly string[];
  valueRuns: readonly ValueRun[];
  onSmoothingChange: (value: number) => void;
  onXChange: (x: XAxis) => void;
  onLogyChange: (logy: boolean) => void;
  onResetZoom: () => void;
  onAddPanel: (spec: PanelSpec) => void;
}

export function ChartToolbar(props: ChartToolbarProps): JSX.Element {
  const [adding, setAdding] = useState(false);
  const xChoices = BUILT_IN_X.includes(props.x) || props.metricKeys.includes(props.x)
    ? props.metricKeys
    : [props.x, ...props.metricKeys];
  return (
    <div className="cc-toolbar" data-testid="chart-toolbar">
      <label
        className="cc-field cc-search"
        title="Show only the panels of metrics whose name contains this text (any case); /regex/ for a regular expression"
      >
        <input
          type="search"
          className="cc-search-input"
          placeholder="Search panels"
          aria-label="Search panels"
          aria-invalid={props.searchError !== null}
          value={props.search}
          data-testid="panel-search"
          onChange={(e) => props.onSearchChange(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Escape") props.onSearchChange("");
          }}
        />
        {props.searchError !== null && (
          <span className="cc-error" data-testid="panel-search-error">
            {props.searchError}
          </span>
        )}
      </label>
      <label className="cc-field" title="Exponential moving average, debiased (as in TensorBoard)">
        <span>Smoothing</span>
        <input
          type="range"
          min={0}
          max={MAX_SMOOTHING}
          step={0.01}
          value={props.smoothing}
          data-testid="smoothing-slider"
          onChange={(e) => props.onSmoothingChange(Number(e.target.value))}
        />
        <output className="cc-smoothing-value">{props.smoothing.toFixed(2)}</output>
      </label>
      <label className="cc-field">
        <span>X axis</span>
        <select value={props.x} data-testid="x-axis-select" onChange={(e) => props.onXChange(e.target.value)}>
          {BUILT_IN_X.map((x) => (
            <option key={x} value={x}>
              {xAxisLabel(x)}
            </option>
          ))}
          {xChoices.length > 0 && (
            <optgroup label="Metric">
              {xChoices.map((key) => (
                <option key={key} value={key}>
                  {key}
                </option>
              ))}
            </optgroup>
          )}
        </select>
        {props.unknownX && (
          <span className="cc-x-note" data-testid="x-axis-note" title={`These runs never logged “${props.unknownX}”: pick an axis they logged`}>
            no “{props.unknownX}”: showing Step
          </span>
        )}
      </label>
      <label className="cc-field cc-check">
        <input
          type="checkbox"
          checked={props.logy}
          data-testid="logy-toggle"
          onChange={(e) => props.onLogyChange(e.target.checked)}
        />
        <span>Log y</span>
      </label>
      <div className="cc-toolbar-end">
        {props.zoom && (
          <button type="button" className="cc-button" data-testid="reset-zoom" onClick={props.onResetZoom}>
            Reset zoom
          </button>
        )}
        <div className="cc-menu">
          <button type="button" className="cc-button" data-testid="add-panel" onClick={() => setAdding(true)}>
            + Add panel
          </button>
          {adding && (
            <AddPanelDialog
              title="New panel"
              metricKeys={props.metricKeys}
              valueKeys={props.valueKeys}
              valueRuns={props.valueRuns}
              onCancel={() => setAdding(false)}
              onAdd={(spec) => {
                setAdding(false);
                props.onAddPanel(spec);
              }}
            />
          )}
        </div>
      </div>
    </div>
  );
}
