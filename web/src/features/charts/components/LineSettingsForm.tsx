// A line panel's own settings: min/max markers, fixed y range, log x, a smoothing that overrides the
// workspace's. Empty fields follow the workspace (or the data).
import { type JSX, useRef, useState } from "react";
import { MAX_SMOOTHING } from "../lib/smoothing";
import type { Extremes, LineSettings } from "../state/layout";
import { useDismiss } from "./usePopover";

export interface LineSettingsFormProps {
  initial: LineSettings;
  /** the workspace smoothing, the starting point of an override */
  smoothing: number;
  onConfirm: (settings: LineSettings) => void;
  onCancel: () => void;
}

function parseEnd(text: string): number | undefined {
  if (text.trim() === "") return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

export function LineSettingsForm({ initial, smoothing, onConfirm, onCancel }: LineSettingsFormProps): JSX.Element {
  const ref = useRef<HTMLDivElement>(null);
  useDismiss(ref, true, onCancel);
  const [extremes, setExtremes] = useState<Extremes | "">(initial.extremes ?? "");
  const [ymin, setYmin] = useState(initial.ymin === undefined ? "" : String(initial.ymin));
  const [ymax, setYmax] = useState(initial.ymax === undefined ? "" : String(initial.ymax));
  const [logx, setLogx] = useState(initial.logx === true);
  const [override, setOverride] = useState(initial.smooth !== undefined);
  const [smooth, setSmooth] = useState(initial.smooth ?? smoothing);
  const lo = parseEnd(ymin);
  const hi = parseEnd(ymax);
  const invalid =
    (ymin.trim() !== "" && lo === undefined) ||
    (ymax.trim() !== "" && hi === undefined) ||
    (lo !== undefined && hi !== undefined && hi <= lo);

  const apply = () => {
    const next: LineSettings = {};
    if (extremes) next.extremes = extremes;
    if (lo !== undefined) next.ymin = lo;
    if (hi !== undefined) next.ymax = hi;
    if (logx) next.logx = true;
    if (override) next.smooth = smooth;
    onConfirm(next);
  };

  return (
    <div className="cc-popover cc-picker cc-form" ref={ref} role="dialog" aria-label="Panel settings" data-testid="line-settings">
      <div className="cc-picker-title">Panel settings</div>
      <label className="cc-form-row">
        <span>Markers</span>
        <select value={extremes} aria-label="Markers" onChange={(e) => setExtremes(e.target.value as Extremes | "")}>
          <option value="">None</option>
          <option value="min">Minimum of each line</option>
          <option value="max">Maximum of each line</option>
        </select>
      </label>
      <div className="cc-form-row">
        <span>Y range</span>
        <input type="text" inputMode="decimal" aria-label="Y min" placeholder="auto" value={ymin} onChange={(e) => setYmin(e.target.value)} />
        <span className="cc-muted">to</span>
        <input type="text" inputMode="decimal" aria-label="Y max" placeholder="auto" value={ymax} onChange={(e) => setYmax(e.target.value)} />
      </div>
      <label className="cc-form-row cc-check">
        <input type="checkbox" checked={logx} aria-label="Log x" onChange={(e) => setLogx(e.target.checked)} />
        <span>Log x (x ≤ 0 not drawn)</span>
      </label>
      <label className="cc-form-row cc-check">
        <input type="checkbox" checked={override} onChange={(e) => setOverride(e.target.checked)} />
        <span>Own smoothing</span>
      </label>
      <label className="cc-form-row">
        <span>Smoothing</span>
        <input
          type="range"
          min={0}
          max={MAX_SMOOTHING}
          step={0.01}
          value={smooth}
          disabled={!override}
          aria-label="Panel smoothing"
          onChange={(e) => setSmooth(Number(e.target.value))}
        />
        <output>{(override ? smooth : smoothing).toFixed(2)}</output>
      </label>
      <div className="cc-picker-actions">
        <span className={invalid ? "cc-error" : "cc-muted"}>{invalid ? "Y max must be above Y min" : ""}</span>
        <button type="button" className="cc-button" onClick={onCancel}>
          Cancel
        </button>
        <button type="button" className="cc-button cc-primary" disabled={invalid} onClick={apply}>
          Apply
        </button>
      </div>
    </div>
  );
}
