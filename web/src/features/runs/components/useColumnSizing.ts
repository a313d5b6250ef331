import type { ColumnSizingState } from "@tanstack/react-table";
import { useCallback, useState } from "react";

const KEY = "cairn.columnSizing.";

function load(project: string): ColumnSizingState {
  try {
    const value: unknown = JSON.parse(localStorage.getItem(KEY + project) ?? "{}");
    return value && typeof value === "object" ? (value as ColumnSizingState) : {};
  } catch {
    return {};
  }
}

/** Column widths of a project's runs table, kept in localStorage (a layout taste, not view state). */
export function useColumnSizing(project: string) {
  const [sizing, setSizing] = useState<ColumnSizingState>(() => load(project));
  const onSizingChange = useCallback(
    (updater: ColumnSizingState | ((old: ColumnSizingState) => ColumnSizingState)) =>
      setSizing((old) => {
        const next = typeof updater === "function" ? updater(old) : updater;
        try {
          localStorage.setItem(KEY + project, JSON.stringify(next));
        } catch {
          // storage full or disabled: widths last for this page
        }
        return next;
      }),
    [project],
  );
  return [sizing, onSizingChange] as const;
}
