interface SelectionBarProps {
  count: number;
  onCompare: () => void;
  onDelete: () => void;
  onClear: () => void;
}

export function SelectionBar({ count, onCompare, onDelete, onClear }: SelectionBarProps) {
  return (
    <div className="selection-bar" data-testid="selection-bar">
      <span className="strong">{count} selected</span>
      <button
        type="button"
        className="button button-primary"
        disabled={count < 2}
        title={count < 2 ? "Select at least two runs to compare" : "Compare the selected runs"}
        data-testid="compare-button"
        onClick={onCompare}
      >
        Compare
      </button>
      <button type="button" className="button button-danger-quiet" data-testid="delete-button" onClick={onDelete}>
        Delete
      </button>
      <button type="button" className="link-button" onClick={onClear} data-testid="clear-selection">
        Clear
      </button>
    </div>
  );
}
