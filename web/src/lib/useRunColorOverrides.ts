// The colours chosen per run, kept in the open saved view's document as `runColors` (run id → hex).
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect } from "react";
import { api } from "../api/client";
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
export function useRunColorOverrides(project: string, view: string | null): (runId: string, color: string | null) => void {
  const client = useQueryClient();
  const saved = useQuery({
    queryKey: ["run-colors", project, view],
    queryFn: async () => parseRunColorOverrides((await api.workspace(project, view))[RUN_COLORS_KEY]),
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
      client.setQueryData(["run-colors", project, view], next);
      // Read, change our key, write: the view's other keys (chart layouts) are kept.
      void (async () => {
        const current = await api.workspace(project, view);
        await api.saveWorkspace(project, { ...current, [RUN_COLORS_KEY]: { ...next } }, view);
      })().catch((error: unknown) => console.warn("Cairn: could not save the run colour", error));
    },
    [client, project, view],
  );
}
