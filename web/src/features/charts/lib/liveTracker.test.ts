import { describe, expect, it } from "vitest";
import type { SeriesResponse } from "../../../api/types";
import { LiveTracker } from "./liveTracker";

function answer(points: Record<string, number>): SeriesResponse {
  return {
    x: "_step",
    series: Object.entries(points).map(([run_id, last]) => ({
      run_id,
      key: "loss",
      x: [last - 1, last],
      y: [1, 1],
      nonfinite: { index: [], kind: [] },
    })),
  };
}

describe("LiveTracker", () => {
  it("learns where runs are first, then asks only past the last step", () => {
    const t = new LiveTracker();
    const first = t.plan(["a", "b"]);
    expect(first).toEqual({ runIds: ["a", "b"], xMin: null });
    expect(t.record(first!, answer({ a: 10, b: 20 }))).toBe(false);
    expect(t.plan(["a", "b"])).toEqual({ runIds: ["a", "b"], xMin: 10.5 });
  });

  it("reports growth of a known run", () => {
    const t = new LiveTracker();
    t.record(t.plan(["a"])!, answer({ a: 10 }));
    const plan = t.plan(["a"])!;
    expect(t.record(plan, answer({}))).toBe(false);
    expect(t.record(t.plan(["a"])!, answer({ a: 12 }))).toBe(true);
  });

  it("probes quiet runs only now and then, growing runs every time", () => {
    const t = new LiveTracker(2, 5);
    t.record(t.plan(["quiet", "live"])!, answer({ quiet: 5, live: 5 }));
    let step = 5;
    const probed: string[][] = [];
    for (let i = 0; i < 8; i++) {
      const plan = t.plan(["quiet", "live"]);
      probed.push(plan?.runIds ?? []);
      if (plan) t.record(plan, answer(plan.runIds.includes("live") ? { live: ++step } : {}));
    }
    // ticks 2..9: quiet is probed while still new (ticks 2 and 3), then only at tick 5 (every 5th)
    expect(probed.map((p) => p.includes("quiet"))).toEqual([true, true, false, true, false, false, false, false]);
    expect(probed.every((p) => p.includes("live"))).toBe(true);
  });

  it("treats a run without the key as at step -1, so its first point counts as growth", () => {
    const t = new LiveTracker();
    t.record(t.plan(["a"])!, answer({}));
    const plan = t.plan(["a"])!;
    expect(plan.xMin).toBe(-0.5);
    expect(t.record(plan, answer({ a: 0 }))).toBe(true);
  });
});
