// Which saved view the workspace shows: `?ws=<name>` in the URL (absent: the project's default
// view), so a link opens the same view.
import { useCallback } from "react";
import { useSearchParams } from "react-router-dom";

export const VIEW_PARAM = "ws";

/** The saved view named in the URL; null for the project's default view. */
export function useSavedViewName(): string | null {
  const [params] = useSearchParams();
  return params.get(VIEW_PARAM) || null;
}

/** Opens another saved view (null: the default), keeping the rest of the URL (filters, tabs). */
export function useOpenSavedView(): (name: string | null) => void {
  const [, setParams] = useSearchParams();
  return useCallback(
    (name: string | null) =>
      setParams((prev) => {
        const next = new URLSearchParams(prev);
        if (name === null) next.delete(VIEW_PARAM);
        else next.set(VIEW_PARAM, name);
        return next;
      }),
    [setParams],
  );
}
