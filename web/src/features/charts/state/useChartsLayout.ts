// The panel layout of one workspace key: loaded from the open saved view's document, merged with the
// metric keys, saved back into that view (debounced) when the user changes it.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useMemo, useRef } from "react";
import { ApiRequestError, api } from "../../../api/client";
import type { Workspace } from "../../../api/types";
import { type ChartsLayout, emptyLayout, mergeLayout, parseLayout, serializeLayout } from "./layout";

export const SAVE_DELAY_MS = 600;

/** Saves waiting for their delay, of every mounted layout, and those on their way to the server. */
const waiting = new Set<() => void>();
const inFlight = new Set<Promise<void>>();

/**
 * Sends every layout edit still waiting and resolves when all have reached the server: the views
 * menu calls it before it creates, renames or switches views, so an edit lands in the view it was
 * made in (a "default view" save would otherwise follow the default to another view).
 */
export async function flushLayoutSaves(): Promise<void> {
  for (const send of [...waiting]) send();
  await Promise.all([...inFlight]);
}

/** The react-query key of a saved view's document (the views menu refreshes it after a change). */
export function workspaceQueryKey(project: string, view: string | null): readonly unknown[] {
  return ["charts-workspace", project, view];
}

export interface ChartsLayoutState {
  layout: ChartsLayout;
  /** false until the saved layout has been read (or found missing) */
  ready: boolean;
  /** the saved view asked for does not exist (deleted, renamed, or a mistyped link) */
  missing: boolean;
  onChange: (change: (layout: ChartsLayout) => ChartsLayout) => void;
}

/** Writes our layout into the workspace without dropping what other views stored there. */
async function saveLayout(project: string, view: string | null, workspaceKey: string, layout: ChartsLayout): Promise<void> {
  const current = await api.workspace(project, view);
  await api.saveWorkspace(project, { ...current, [workspaceKey]: serializeLayout(layout) }, view);
}

export function useChartsLayout(
  project: string,
  view: string | null,
  workspaceKey: string,
  metricKeys: readonly string[],
): ChartsLayoutState {
  const client = useQueryClient();
  const queryKey = useMemo(() => workspaceQueryKey(project, view), [project, view]);
  // The cached workspace is the source of truth: edits go into it at once, and to the server later.
  const saved = useQuery({
    queryKey,
    queryFn: () => api.workspace(project, view),
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  });
  const scope = `${project}\u0000${view ?? ""}\u0000${workspaceKey}`;
  const stored = saved.data?.[workspaceKey];
  const base = useMemo(() => (stored === undefined ? emptyLayout() : parseLayout(stored)), [stored]);
  const layout = useMemo(() => mergeLayout(base, metricKeys), [base, metricKeys]);

  const latest = useRef(layout);
  const pending = useRef<{ timer: number; send: () => void } | null>(null);
  useEffect(() => {
    latest.current = layout;
  }, [layout]);

  const flush = useCallback(() => {
    const job = pending.current;
    if (!job) return;
    job.send();
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
      if (pending.current) {
        window.clearTimeout(pending.current.timer);
        waiting.delete(pending.current.send);
      }
      const run = () => {
        const saving = saveLayout(project, view, workspaceKey, next).catch((error: unknown) => {
          console.warn("Cairn: could not save the chart layout", error);
        });
        inFlight.add(saving);
        void saving.finally(() => inFlight.delete(saving));
      };
      const send = () => {
        if (pending.current?.send === send) {
          window.clearTimeout(pending.current.timer);
          pending.current = null;
        }
        waiting.delete(send);
        run();
      };
      waiting.add(send);
      pending.current = { timer: window.setTimeout(send, SAVE_DELAY_MS), send };
    },
    [client, queryKey, project, view, workspaceKey],
  );

  const missing = saved.error instanceof ApiRequestError && saved.error.status === 404 && view !== null;
  return { layout, ready: !saved.isPending, missing, onChange };
}
