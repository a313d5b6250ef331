import type { RunState } from "../api/types";

export function StatePill({ state }: { state: RunState }) {
  return (
    <span className={`state-pill state-${state}`} data-testid="state-pill" data-state={state}>
      <span className="state-dot" aria-hidden />
      {state}
    </span>
  );
}
