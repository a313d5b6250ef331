// The analysis brush, shown under the filter box while it narrows the runs table: what it keeps, and
// a button that clears it (the drawn ranges too).
import type { JSX } from "react";

interface BrushChipProps {
  filter: string;
  onClear: () => void;
}

export function BrushChip({ filter, onClear }: BrushChipProps): JSX.Element {
  return (
    <div className="brush-chip" data-testid="brush-filter" title={`Brushed on the Analysis tab: ${filter}`}>
      <span className="brush-chip-label">Brush</span>
      <code className="brush-chip-text">{filter}</code>
      <button type="button" aria-label="Remove the brush from the table" data-testid="brush-filter-clear" onClick={onClear}>
        ×
      </button>
    </div>
  );
}
