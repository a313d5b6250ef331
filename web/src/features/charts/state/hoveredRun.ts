// The run under the mouse, shared by the runs table and every chart: hovering a row emphasises its
// lines, hovering a line highlights its row. A tiny external store, so a hover re-renders only the
// rows and charts whose emphasis changes, not the workspace.
import { useSyncExternalStore } from "react";

let hovered: string | null = null;
const listeners = new Set<() => void>();

export function setHoveredRun(runId: string | null): void {
  if (runId === hovered) return;
  hovered = runId;
  for (const listener of listeners) listener();
}

export function getHoveredRun(): string | null {
  return hovered;
}

export function subscribeHoveredRun(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The hovered run's id, or null. */
export function useHoveredRun(): string | null {
  return useSyncExternalStore(subscribeHoveredRun, getHoveredRun);
}

/** Whether `runId` is the hovered run (re-renders only when that answer changes). */
export function useIsHoveredRun(runId: string): boolean {
  return useSyncExternalStore(subscribeHoveredRun, () => hovered === runId);
}
