import { BIN_COUNTS, DEFAULT_BINS, decodeBinChoice, encodeBinChoice } from "../state/binning";

interface GroupBySelectProps {
  configKeys: string[];
  value: string | null;
  numeric: boolean; // the chosen key holds numbers: offer bins
  bin: string | null; // encoded bin choice (binning.ts), null: auto
  onChange: (column: string | null) => void;
  onBinChange: (bin: string | null) => void;
}

const RUN_FIELDS: [string, string][] = [
  ["state", "State"],
  ["group", "Group"],
  ["job_type", "Job type"],
  ["host", "Host"],
];

/** Group the table by a config key (or a run field); a numeric key is grouped into bins. */
export function GroupBySelect({ configKeys, value, numeric, bin, onChange, onBinChange }: GroupBySelectProps) {
  const known = value === null || value.startsWith("config.") || RUN_FIELDS.some(([id]) => id === value);
  const choice = decodeBinChoice(bin);
  const binValue = encodeBinChoice(choice.mode, choice.count) ?? "";
  return (
    <>
      <label className="toolbar-select">
        <span className="muted">Group</span>
        <select data-testid="group-by" value={value ?? ""} onChange={(e) => onChange(e.target.value || null)}>
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
      {numeric && (
        <label className="toolbar-select">
          <select
            data-testid="group-bins"
            aria-label="Bins"
            title="How runs are grouped by a numeric key"
            value={binValue}
            onChange={(e) => onBinChange(e.target.value || null)}
          >
            <option value="">Auto bins ({DEFAULT_BINS})</option>
            {choice.mode === "auto" && choice.count !== DEFAULT_BINS && <option value={binValue}>Auto bins ({choice.count})</option>}
            <option value="values">Exact values</option>
            {(["quantile", "log"] as const).map((mode) => (
              <optgroup key={mode} label={mode === "quantile" ? "Quantile bins" : "Log-scale bins"}>
                {BIN_COUNTS.map((n) => (
                  <option key={n} value={encodeBinChoice(mode, n) ?? ""}>
                    {`${mode === "quantile" ? "Quantile" : "Log"} × ${n}`}
                  </option>
                ))}
              </optgroup>
            ))}
          </select>
        </label>
      )}
    </>
  );
}
