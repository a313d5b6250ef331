interface RunCountProps {
  matching: number | undefined;
  total: number | undefined;
  filtered: boolean;
  live: boolean;
}

const plural = (n: number) => (n === 1 ? "1 run" : `${n} runs`);

/** "6 runs", or "3 of 6 runs" under a filter; a live dot while runs are running. */
export function RunCount({ matching, total, filtered, live }: RunCountProps) {
  let text = "…";
  if (matching !== undefined) {
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
