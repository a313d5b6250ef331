// Which runs to probe for new points, so live charts refresh without re-reading every finished run
// every few seconds: each run is probed at every tick while it is new or still growing, and only
// every `quietEvery` ticks once it has been quiet for `activeTicks`.
import type { SeriesResponse } from "../../../api/types";

export interface ProbePlan {
  runIds: string[];
  /** only points past this x (null: all, to learn where runs are) */
  xMin: number | null;
}

export class LiveTracker {
  private tick = 0;
  private readonly lastStep = new Map<string, number>();
  private readonly lastActive = new Map<string, number>();

  constructor(
    private readonly activeTicks = 6,
    private readonly quietEvery = 12,
  ) {}

  /** The runs to probe at the next tick, or null when none is due. */
  plan(runIds: readonly string[]): ProbePlan | null {
    this.tick += 1;
    const everyone = this.tick % this.quietEvery === 0;
    const due: string[] = [];
    let unknown = false;
    let xMin = Number.POSITIVE_INFINITY;
    for (const id of runIds) {
      if (!this.lastActive.has(id)) this.lastActive.set(id, this.tick);
      const active = this.tick - (this.lastActive.get(id) ?? this.tick) <= this.activeTicks;
      if (!everyone && !active) continue;
      due.push(id);
      const last = this.lastStep.get(id);
      if (last === undefined) unknown = true;
      else xMin = Math.min(xMin, last);
    }
    if (due.length === 0) return null;
    return { runIds: due, xMin: unknown || !Number.isFinite(xMin) ? null : xMin + 0.5 };
  }

  /** Takes in a probe's answer; true when a run we already knew has logged past its last step. */
  record(plan: ProbePlan, response: SeriesResponse): boolean {
    const top = new Map<string, number>();
    for (const s of response.series) {
      const last = s.x[s.x.length - 1];
      if (last !== undefined && last > (top.get(s.run_id) ?? Number.NEGATIVE_INFINITY)) top.set(s.run_id, last);
    }
    let grew = false;
    for (const id of plan.runIds) {
      const known = this.lastStep.get(id);
      const seen = top.get(id);
      if (seen === undefined) {
        if (known === undefined) this.lastStep.set(id, -1);
        continue;
      }
      if (known !== undefined && seen > known) {
        grew = true;
        this.lastActive.set(id, this.tick);
      }
      if (known === undefined || seen > known) this.lastStep.set(id, seen);
    }
    return grew;
  }
}
