// The goals of the sweeps the compared runs are trials of: a direction for their metric's best value.
import { useQuery } from "@tanstack/react-query";
import type { RunDetail } from "../../../api/types";
import { sweepsQuery } from "../../sweeps/queries";
import type { DirectionSources } from "./best";

/** Sweep goals for `runs` (fetched only when one of them is a sweep trial). */
export function useSweepGoals(project: string, runs: readonly RunDetail[]): DirectionSources["goals"] {
  const sweepIds = new Set(runs.flatMap((run) => (run.sweep_id ? [run.sweep_id] : [])));
  // the goal of a sweep never changes: no polling here
  const sweeps = useQuery({ ...sweepsQuery(project), enabled: sweepIds.size > 0, refetchInterval: false });
  return (sweeps.data ?? []).flatMap((sweep) =>
    sweepIds.has(sweep.id) && sweep.metric ? [{ name: sweep.metric.name, goal: sweep.metric.goal }] : [],
  );
}
