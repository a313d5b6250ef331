// The brush's runs filter as the workspace reads it from the URL, and a way to clear the brush (the
// drawn ranges and the filter together). Free of ECharts, so the runs table can import it eagerly.
import { useCallback } from "react";
import { useSearchParams } from "react-router-dom";
import { BRUSH_FILTER_PARAM } from "../lib/brushFilter";

export function useBrushFilter(): [string, () => void] {
  const [params, setParams] = useSearchParams();
  const clear = useCallback(() => {
    const next = new URLSearchParams(window.location.search);
    next.delete("brush");
    next.delete(BRUSH_FILTER_PARAM);
    setParams(next, { replace: true });
  }, [setParams]);
  return [params.get(BRUSH_FILTER_PARAM) ?? "", clear];
}
