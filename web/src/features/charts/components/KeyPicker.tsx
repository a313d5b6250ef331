// Pick one or more metric keys (a filter box and a checkbox list), for new panels and "Edit keys".
import { type JSX, type ReactNode, useMemo, useRef, useState } from "react";
import { useDismiss } from "./usePopover";

export interface KeyPickerProps {
  keys: readonly string[];
  initial?: readonly string[];
  title: string;
  confirmLabel: string;
  /** above the list (the kind tabs of AddPanelDialog) */
  header?: ReactNode;
  onConfirm: (keys: string[]) => void;
  onCancel: () => void;
}

export function KeyPicker({ keys, initial = [], title, confirmLabel, header, onConfirm, onCancel }: KeyPickerProps): JSX.Element {
  const ref = useRef<HTMLDivElement>(null);
  const [filter, setFilter] = useState("");
  const [chosen, setChosen] = useState<string[]>([...initial]);
  useDismiss(ref, true, onCancel);
  const shown = useMemo(() => {
    const needle = filter.trim().toLowerCase();
    return needle ? keys.filter((k) => k.toLowerCase().includes(needle)) : keys;
  }, [keys, filter]);
  const toggle = (key: string) =>
    setChosen((old) => (old.includes(key) ? old.filter((k) => k !== key) : [...old, key]));

  return (
    <div className="cc-popover cc-picker" ref={ref} data-testid="key-picker" role="dialog" aria-label={title}>
      <div className="cc-picker-title">{title}</div>
      {header}
      <input
        className="cc-picker-filter"
        type="search"
        placeholder="Filter metrics"
        value={filter}
        autoFocus
        onChange={(e) => setFilter(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "Enter" && shown.length === 1 && shown[0] !== undefined && chosen.length === 0) {
            onConfirm([shown[0]]);
          }
        }}
      />
      <div className="cc-picker-list">
        {shown.length === 0 && <div className="cc-muted">No metric matches</div>}
        {shown.map((key) => (
          <label key={key} className="cc-picker-item" title={key}>
            <input type="checkbox" checked={chosen.includes(key)} onChange={() => toggle(key)} />
            <span>{key}</span>
          </label>
        ))}
      </div>
      <div className="cc-picker-actions">
        <span className="cc-muted">{chosen.length === 0 ? "Pick metrics" : `${chosen.length} selected`}</span>
        <button type="button" className="cc-button" onClick={onCancel}>
          Cancel
        </button>
        <button
          type="button"
          className="cc-button cc-primary"
          disabled={chosen.length === 0}
          onClick={() => onConfirm(chosen)}
        >
          {confirmLabel}
        </button>
      </div>
    </div>
  );
}
