// One panel's data: its keys for all its runs, asked through the grid's scheduler (batched with the
// other panels), re-asked for the zoomed range.
import { useQuery, type UseQueryResult } from "@tanstack/react-query";
import type { SeriesResponse, XAxis } from "../../../api/types";
import type { SeriesScheduler } from "../lib/seriesScheduler";
import type { Zoom } from "../state/viewState";

/** The query keys of all series of a project (to refresh them when runs grow). */
export function seriesQueryPrefix(project: string): readonly unknown[] {
  return ["charts-series", project];
}

/** The zoomed range plus a margin, so lines run on to the plot's edges. */
export function paddedRange(zoom: Zoom | null): [number, number] | null {
  if (!zoom) return null;
  const margin = (zoom[1] - zoom[0]) * 0.05;
  return [zoom[0] - margin, zoom[1] + margin];
}

export interface PanelSeriesRequest {
  project: string;
  scheduler: SeriesScheduler;
  /** sorted */
  runIds: readonly string[];
  keys: readonly string[];
  x: XAxis;
  maxPoints: number;
  zoom: Zoom | null;
  /** the panel's place on the page: earlier panels are fetched first */
  priority: number;
  /** fetch at all (the panel has been on screen) */
  enabled: boolean;
}

export function usePanelSeries(request: PanelSeriesRequest): UseQueryResult<SeriesResponse> {
  const { project, scheduler, runIds, keys, x, maxPoints, zoom, priority, enabled } = request;
  const range = paddedRange(zoom);
  return useQuery({
    queryKey: [...seriesQueryPrefix(project), x, keys, runIds, maxPoints, range?.[0] ?? null, range?.[1] ?? null],
    queryFn: ({ signal }) =>
      scheduler.load(
        { runIds, keys, x, maxPoints, xMin: range?.[0] ?? null, xMax: range?.[1] ?? null, priority },
        signal,
      ),
    enabled: enabled && runIds.length > 0 && keys.length > 0,
    // Keep drawing the old points while new ones load (zoom, resize, more runs), unless the x axis or
    // keys changed: those points would be drawn against the wrong axis.
    placeholderData: (previous, previousQuery) => {
      const k = previousQuery?.queryKey;
      return k && k[2] === x && JSON.stringify(k[3]) === JSON.stringify(keys) ? previous : undefined;
    },
    staleTime: 60_000,
  });
}
