import { useEffect, useState } from "react";
import { useDebounced } from "../../../lib/useDebounced";

interface FilterBarProps {
  filter: string; // the applied filter
  search: string;
  error: { message: string; position?: number } | null;
  onApplyFilter: (filter: string) => void;
  onSearch: (search: string) => void;
}

const HELP = [
  "config.lr < 0.01",
  'state == "finished" and summary["val/acc"] > 0.9',
  '"baseline" in tags',
  'config.optimizer in ["adam", "sgd"]',
  'name ~ "mlp-0\\.1"',
].join("\n");

/** The filter expression (applied on Enter) and the quick search (applied as you type). */
export function FilterBar({ filter, search, error, onApplyFilter, onSearch }: FilterBarProps) {
  const [draft, setDraft] = useState(filter);
  const [searchDraft, setSearchDraft] = useState(search);
  const settledSearch = useDebounced(searchDraft, 250);

  useEffect(() => setDraft(filter), [filter]);
  useEffect(() => setSearchDraft(search), [search]);
  useEffect(() => {
    if (settledSearch !== search) onSearch(settledSearch);
    // only a settled change of the box updates the URL
  }, [settledSearch]);

  const pending = draft.trim() !== filter.trim();

  return (
    <div className="filter-bar">
      <div className="filter-row">
        <div className={`filter-input-wrap${error ? " has-error" : ""}`}>
          <span className="filter-icon" aria-hidden>
            ƒ
          </span>
          <input
            className="filter-input"
            data-testid="filter-input"
            aria-label="Filter expression"
            placeholder="Filter, e.g. config.lr < 0.01"
            value={draft}
            spellCheck={false}
            title={`Filter expression, applied on Enter. Examples:\n${HELP}`}
            onChange={(e) => setDraft(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Enter") onApplyFilter(draft.trim());
              if (e.key === "Escape") setDraft(filter);
            }}
          />
          {pending && <span className="filter-hint">↵ apply</span>}
          {(draft || filter) && (
            <button
              type="button"
              className="input-clear"
              aria-label="Clear filter"
              data-testid="filter-clear"
              onClick={() => {
                setDraft("");
                onApplyFilter("");
              }}
            >
              ×
            </button>
          )}
        </div>
        <input
          className="search-input"
          data-testid="search-input"
          aria-label="Search runs"
          type="search"
          placeholder="Search runs"
          value={searchDraft}
          onChange={(e) => setSearchDraft(e.target.value)}
        />
      </div>
      {error && <FilterError filter={filter} error={error} />}
    </div>
  );
}

function FilterError({ filter, error }: { filter: string; error: { message: string; position?: number } }) {
  const message = (error.message.split("\n")[0] ?? error.message).replace(/ at position \d+:?$/, "");
  const position = error.position;
  const showCaret = position !== undefined && filter.length > 0 && position <= filter.length;
  return (
    <div className="filter-error" role="alert" data-testid="filter-error" data-position={position ?? ""}>
      <div className="filter-error-message">{message}</div>
      {showCaret && (
        <pre className="filter-error-expr">
          {filter.slice(0, position)}
          <mark data-testid="filter-error-caret">{filter.slice(position, position + 1) || " "}</mark>
          {filter.slice(position + 1)}
          {"\n"}
          {" ".repeat(position)}^
        </pre>
      )}
    </div>
  );
}
