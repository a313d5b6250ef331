import { useState } from "react";
import type { Columns } from "../../../api/types";
import { Popover } from "../../../components/Popover";
import { META_FIELDS, META_LABELS } from "../state/columnIds";

interface ColumnPickerProps {
  available: Columns;
  columns: string[];
  onChange: (columns: string[]) => void;
  onReset: () => void;
}

interface Option {
  id: string;
  label: string;
}

function Section({
  title,
  options,
  chosen,
  onToggle,
}: {
  title: string;
  options: Option[];
  chosen: ReadonlySet<string>;
  onToggle: (id: string) => void;
}) {
  if (!options.length) return null;
  return (
    <div className="picker-section">
      <div className="picker-title">
        {title} <span className="muted">{options.length}</span>
      </div>
      {options.map((option) => (
        <label key={option.id} className="picker-option" data-testid="column-option" data-column={option.id}>
          <input type="checkbox" checked={chosen.has(option.id)} onChange={() => onToggle(option.id)} />
          <span title={option.id}>{option.label}</span>
        </label>
      ))}
    </div>
  );
}

/** A searchable list of run fields, config keys and summary keys, each a checkbox. */
export function ColumnPicker({ available, columns, onChange, onReset }: ColumnPickerProps) {
  const [search, setSearch] = useState("");
  const needle = search.trim().toLowerCase();
  const chosen = new Set(columns);
  const match = (o: Option) => !needle || o.id.toLowerCase().includes(needle) || o.label.toLowerCase().includes(needle);
  const meta = META_FIELDS.map((f) => ({ id: f, label: META_LABELS[f] })).filter(match);
  const config = available.config.map((k) => ({ id: `config.${k}`, label: k })).filter(match);
  const summary = available.summary.map((k) => ({ id: `summary.${k}`, label: k })).filter(match);
  const onToggle = (id: string) => onChange(chosen.has(id) ? columns.filter((c) => c !== id) : [...columns, id]);

  return (
    <Popover
      label={
        <>
          Columns <span className="count-badge">{columns.length}</span>
        </>
      }
      title="Choose columns"
      testId="column-picker-button"
      align="right"
    >
      {() => (
        <div className="picker" data-testid="column-picker">
          <input
            className="picker-search"
            placeholder="Search columns"
            value={search}
            autoFocus
            data-testid="column-search"
            onChange={(e) => setSearch(e.target.value)}
          />
          <div className="picker-list">
            <Section title="Run" options={meta} chosen={chosen} onToggle={onToggle} />
            <Section title="Config" options={config} chosen={chosen} onToggle={onToggle} />
            <Section title="Summary" options={summary} chosen={chosen} onToggle={onToggle} />
            {!meta.length && !config.length && !summary.length && <div className="muted pad">No column matches</div>}
          </div>
          <div className="picker-footer">
            <button type="button" className="link-button" onClick={onReset}>
              Reset to defaults
            </button>
            <button
              type="button"
              className="link-button"
              onClick={() => onChange(columns.filter((c) => !c.startsWith("config.") && !c.startsWith("summary.")))}
            >
              Hide config &amp; summary
            </button>
          </div>
        </div>
      )}
    </Popover>
  );
}
