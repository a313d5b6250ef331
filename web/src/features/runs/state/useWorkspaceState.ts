import { useCallback, useMemo } from "react";
import { useSearchParams } from "react-router-dom";
import { decodeWorkspaceState, encodeWorkspaceState, type WorkspaceState } from "./urlState";

export type WorkspacePatch = Partial<WorkspaceState> | ((current: WorkspaceState) => Partial<WorkspaceState>);

/** The workspace view read from, and written to, the URL (other parameters are kept). */
export function useWorkspaceState(): [WorkspaceState, (patch: WorkspacePatch) => void] {
  const [params, setParams] = useSearchParams();
  const state = useMemo(() => decodeWorkspaceState(params), [params]);
  // Read the URL itself, not the router's copy: two updates in one tick (a click that pins and
  // sorts) must both land, and the router replaces the URL synchronously.
  const update = useCallback(
    (patch: WorkspacePatch) => {
      const prev = new URLSearchParams(window.location.search);
      const current = decodeWorkspaceState(prev);
      const change = typeof patch === "function" ? patch(current) : patch;
      setParams(encodeWorkspaceState({ ...current, ...change }, prev), { replace: true });
    },
    [setParams],
  );
  return [state, update];
}
