interface GroupBySelectProps {
  configKeys: string[];
  value: string | null;
  onChange: (column: string | null) => void;
}

const RUN_FIELDS: [string, string][] = [
  ["state", "State"],
  ["group", "Group"],
  ["job_type", "Job type"],
  ["host", "Host"],
];

/** Group the table by a config key (or a run field). */
export function GroupBySelect({ configKeys, value, onChange }: GroupBySelectProps) {
  const known = value === null || value.startsWith("config.") || RUN_FIELDS.some(([id]) => id === value);
  return (
    <label className="toolbar-select">
      <span className="muted">Group</span>
      <select
        data-testid="group-by"
        value={value ?? ""}
        onChange={(e) => onChange(e.target.value || null)}
      >
        <option value="">None</option>
        <optgroup label="Config">
          {configKeys.map((key) => (
            <option key={key} value={`config.${key}`}>
              {key}
            </option>
          ))}
        </optgroup>
        <optgroup label="Run">
          {RUN_FIELDS.map(([id, label]) => (
            <option key={id} value={id}>
              {label}
            </option>
          ))}
        </optgroup>
        {!known && value && <option value={value}>{value}</option>}
      </select>
    </label>
  );
}
