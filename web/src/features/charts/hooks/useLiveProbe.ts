// Live runs: every few seconds (while the page is visible) a tiny probe asks for points past the last
// step seen; when a run has grown, the panels' series are refetched and redrawn in place.
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { LiveTracker } from "../lib/liveTracker";
import type { SeriesScheduler } from "../lib/seriesScheduler";
import { seriesQueryPrefix } from "./usePanelSeries";

export const LIVE_INTERVAL_MS = 5_000;
/** The first probe (which learns where the runs are) goes soon after the charts load. */
const FIRST_PROBE_MS = 1_500;
/** Probes go after every panel's own request. */
const PROBE_PRIORITY = Number.MAX_SAFE_INTEGER;

export function useLiveProbe(
  project: string,
  runIds: readonly string[],
  probeKeys: readonly string[],
  scheduler: SeriesScheduler,
): void {
  const client = useQueryClient();
  const tracker = useRef<LiveTracker | null>(null);
  const keysSignature = probeKeys.join("\u0000");

  useEffect(() => {
    tracker.current = new LiveTracker();
  }, [project, keysSignature]);

  useEffect(() => {
    if (runIds.length === 0 || probeKeys.length === 0) return;
    let busy = false;
    const probe = () => {
      const live = tracker.current;
      if (busy || !live || document.visibilityState !== "visible") return;
      const plan = live.plan(runIds);
      if (!plan) return;
      busy = true;
      scheduler
        .load({
          runIds: plan.runIds,
          keys: probeKeys,
          x: "_step",
          maxPoints: 5,
          xMin: plan.xMin,
          xMax: null,
          priority: PROBE_PRIORITY,
        })
        .then((answer) => {
          if (live.record(plan, answer)) void client.invalidateQueries({ queryKey: seriesQueryPrefix(project) });
        })
        .catch(() => undefined)
        .finally(() => {
          busy = false;
        });
    };
    const first = window.setTimeout(probe, FIRST_PROBE_MS);
    const timer = window.setInterval(probe, LIVE_INTERVAL_MS);
    return () => {
      window.clearTimeout(first);
      window.clearInterval(timer);
    };
    // keysSignature stands for probeKeys
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [client, project, runIds, keysSignature, scheduler]);
}
