import type { JSX } from "react";
import type { SweepState, TrialStatus } from "../api";

export function SweepStatePill({ state }: { state: SweepState | TrialStatus }): JSX.Element {
  return (
    <span className={`state-pill sw-state-${state}`} data-testid="sweep-state" data-state={state}>
      <span className="state-dot" aria-hidden />
      {state}
    </span>
  );
}
