// The colours chosen per run, kept in the project's workspace JSON as `runColors` (run id → hex).
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect } from "react";
import { api } from "../api/client";
import type { Workspace } from "../api/types";
import {
  getRunColorOverrides,
  parseRunColorOverrides,
  setRunColorOverrides,
  useRunColorsVersion,
  withRunColor,
} from "./colors";

/** The workspace key holding the chosen colours. */
export const RUN_COLORS_KEY = "runColors";

/**
 * Loads a project's chosen run colours into runColor (so every view of the project draws them) and
 * returns the function that chooses one (`null`: back to the palette's), saved to the workspace.
 */
export function useRunColorOverrides(project: string): (runId: string, color: string | null) => void {
  const client = useQueryClient();
  const saved = useQuery({
    queryKey: ["run-colors", project],
    queryFn: async () => parseRunColorOverrides((await api.workspace(project))[RUN_COLORS_KEY]),
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  });
  useEffect(() => {
    if (saved.data) setRunColorOverrides(saved.data);
  }, [saved.data]);
  useRunColorsVersion(); // re-render the page when a colour changes

  return useCallback(
    (runId: string, color: string | null) => {
      const next = withRunColor(getRunColorOverrides(), runId, color);
      setRunColorOverrides(next);
      client.setQueryData(["run-colors", project], next);
      // Read, change our key, write: the workspace's other keys (chart layouts) are kept.
      void (async () => {
        let current: Workspace = {};
        try {
          current = await api.workspace(project);
        } catch {
          // no workspace yet: start one
        }
        await api.saveWorkspace(project, { ...current, [RUN_COLORS_KEY]: { ...next } });
      })().catch((error: unknown) => console.warn("Cairn: could not save the run colour", error));
    },
    [client, project],
  );
}
