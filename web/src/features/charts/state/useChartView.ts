// The chart view in the URL (smooth, x, logy, zoom), with the workspace's saved settings as defaults.
import { useCallback, useMemo } from "react";
import { useSearchParams } from "react-router-dom";
import type { SavedSettings } from "./layout";
import { type ChartView, parseView, writeView } from "./viewState";

export interface ChartViewState {
  view: ChartView;
  onViewChange: (patch: Partial<ChartView>) => void;
}

export function useChartView(saved: SavedSettings): ChartViewState {
  const [params, setParams] = useSearchParams();
  const view = useMemo(() => parseView(params, saved), [params, saved]);
  const onViewChange = useCallback(
    (patch: Partial<ChartView>) => setParams((prev) => writeView(prev, patch), { replace: true }),
    [setParams],
  );
  return { view, onViewChange };
}
