import { useCallback, useState } from "react";

const KEY = "cairn.mediaOpen.";

function load(project: string): ReadonlySet<string> {
  try {
    const value: unknown = JSON.parse(localStorage.getItem(KEY + project) ?? "[]");
    return new Set(Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : []);
  } catch {
    return new Set();
  }
}

/**
 * The media sections of a project that the user opened (all start closed), kept in localStorage
 * (a reading habit, like column widths, not view state); `onToggle` opens or closes one.
 */
export function useOpenSections(project: string): readonly [ReadonlySet<string>, (name: string) => void] {
  const [state, setState] = useState(() => ({ project, open: load(project) }));
  const open = state.project === project ? state.open : load(project);
  const onToggle = useCallback(
    (name: string) =>
      setState((old) => {
        const next = new Set(old.project === project ? old.open : load(project));
        if (next.has(name)) next.delete(name);
        else next.add(name);
        try {
          localStorage.setItem(KEY + project, JSON.stringify([...next]));
        } catch {
          // storage full or disabled: the sections stay open for this page
        }
        return { project, open: next };
      }),
    [project],
  );
  return [open, onToggle] as const;
}
