// The panel layout of one workspace key: loaded from the project's workspace, merged with the metric
// keys, saved back (debounced) when the user changes it.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useMemo, useRef } from "react";
import { api } from "../../../api/client";
import type { Workspace } from "../../../api/types";
import { type ChartsLayout, emptyLayout, mergeLayout, parseLayout, serializeLayout } from "./layout";

export const SAVE_DELAY_MS = 600;

export interface ChartsLayoutState {
  layout: ChartsLayout;
  /** false until the saved layout has been read (or found missing) */
  ready: boolean;
  onChange: (change: (layout: ChartsLayout) => ChartsLayout) => void;
}

/** Writes our layout into the workspace without dropping what other views stored there. */
async function saveLayout(project: string, workspaceKey: string, layout: ChartsLayout): Promise<void> {
  let current: Workspace = {};
  try {
    current = await api.workspace(project);
  } catch {
    // no workspace yet: start one
  }
  await api.saveWorkspace(project, { ...current, [workspaceKey]: serializeLayout(layout) });
}

export function useChartsLayout(
  project: string,
  workspaceKey: string,
  metricKeys: readonly string[],
): ChartsLayoutState {
  const client = useQueryClient();
  const queryKey = useMemo(() => ["charts-workspace", project], [project]);
  // The cached workspace is the source of truth: edits go into it at once, and to the server later.
  const saved = useQuery({
    queryKey,
    queryFn: () => api.workspace(project),
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  });
  const scope = `${project}\u0000${workspaceKey}`;
  const stored = saved.data?.[workspaceKey];
  const base = useMemo(() => (stored === undefined ? emptyLayout() : parseLayout(stored)), [stored]);
  const layout = useMemo(() => mergeLayout(base, metricKeys), [base, metricKeys]);

  const latest = useRef(layout);
  const pending = useRef<{ timer: number; run: () => void } | null>(null);
  useEffect(() => {
    latest.current = layout;
  }, [layout]);

  const flush = useCallback(() => {
    const job = pending.current;
    if (!job) return;
    window.clearTimeout(job.timer);
    pending.current = null;
    job.run();
  }, []);

  // Leaving the page or switching project saves what is pending.
  useEffect(() => flush, [flush, scope]);
  useEffect(() => {
    window.addEventListener("pagehide", flush);
    return () => window.removeEventListener("pagehide", flush);
  }, [flush]);

  const onChange = useCallback(
    (change: (layout: ChartsLayout) => ChartsLayout) => {
      const next = change(latest.current);
      if (next === latest.current) return;
      latest.current = next;
      client.setQueryData<Workspace>(queryKey, (old) => ({ ...old, [workspaceKey]: serializeLayout(next) }));
      if (pending.current) window.clearTimeout(pending.current.timer);
      const run = () => {
        saveLayout(project, workspaceKey, next).catch((error: unknown) => {
          console.warn("Cairn: could not save the chart layout", error);
        });
      };
      pending.current = { timer: window.setTimeout(() => {
        pending.current = null;
        run();
      }, SAVE_DELAY_MS), run };
    },
    [client, queryKey, project, workspaceKey],
  );

  return { layout, ready: !saved.isPending, onChange };
}
