interface RunCountProps {
  matching: number | undefined;
  total: number | undefined;
  filtered: boolean;
  live: boolean;
  /** the filter has an error: the rows shown (if any) are not filtered by it */
  filterError?: boolean;
}

const plural = (n: number) => (n === 1 ? "1 run" : `${n} runs`);

/** "6 runs", or "3 of 6 runs" under a filter, "filter not applied · 6 runs" under a bad one; a live dot while runs are running. */
export function RunCount({ matching, total, filtered, live, filterError = false }: RunCountProps) {
  let text = "…";
  if (filterError) {
    text = total !== undefined ? `filter not applied · ${plural(total)}` : "filter not applied";
  } else if (matching !== undefined) {
    text = filtered && total !== undefined ? `${matching} of ${plural(total)}` : plural(matching);
  }
  return (
    <span className="run-count" data-testid="run-count">
      {text}
      {live && (
        <span className="live-badge" title="Runs are running: refreshing every 3 s" data-testid="live-badge">
          <span className="live-dot" /> live
        </span>
      )}
    </span>
  );
}
