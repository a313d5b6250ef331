import { describe, expect, it } from "vitest";
import type { SeriesRequest, SeriesResponse } from "../../../api/types";
import { type PanelRequest, SeriesScheduler } from "./seriesScheduler";

function request(keys: string[], extra: Partial<PanelRequest> = {}): PanelRequest {
  return { runIds: ["a", "b"], keys, x: "_step", maxPoints: 100, xMin: null, xMax: null, priority: 0, ...extra };
}

function fakeServer() {
  const calls: SeriesRequest[] = [];
  const waiting: (() => void)[] = [];
  const fetchPart = (r: SeriesRequest) =>
    new Promise<SeriesResponse>((resolve) => {
      calls.push(r);
      waiting.push(() =>
        resolve({
          x: r.x ?? "_step",
          series: r.run_ids.flatMap((run_id) =>
            r.keys.map((key) => ({ run_id, key, x: [0], y: [1], nonfinite: { index: [], kind: [] } })),
          ),
        }),
      );
    });
  const answerAll = async () => {
    while (waiting.length > 0) {
      waiting.shift()?.();
      await new Promise((r) => setTimeout(r, 0));
    }
  };
  return { calls, fetchPart, answerAll };
}

const tick = () => new Promise((r) => setTimeout(r, 5));

describe("SeriesScheduler", () => {
  it("asks once for panels requested together, and gives each its own keys", async () => {
    const server = fakeServer();
    const scheduler = new SeriesScheduler(server.fetchPart);
    const a = scheduler.load(request(["loss"]));
    const b = scheduler.load(request(["acc", "loss"], { priority: 1 }));
    await tick();
    expect(server.calls).toHaveLength(1);
    expect(server.calls[0]?.keys).toEqual(["loss", "acc"]);
    await server.answerAll();
    expect((await a).series.map((s) => s.key)).toEqual(["loss", "loss"]);
    expect((await b).series.map((s) => s.key).sort()).toEqual(["acc", "acc", "loss", "loss"]);
  });

  it("keeps different ranges, axes and resolutions apart", async () => {
    const server = fakeServer();
    const scheduler = new SeriesScheduler(server.fetchPart, {
      maxPairs: 100,
      firstPairs: 100,
      maxBatchKeys: 10,
      maxInFlightPairs: 1000,
    });
    void scheduler.load(request(["loss"]));
    void scheduler.load(request(["acc"], { xMin: 5, xMax: 9 }));
    void scheduler.load(request(["acc"], { x: "_runtime" }));
    void scheduler.load(request(["acc"], { maxPoints: 200 }));
    await tick();
    expect(server.calls).toHaveLength(4);
    await server.answerAll();
  });

  it("sends the most important panel first, alone when lines are many, then batches the rest", async () => {
    const server = fakeServer();
    const runIds = Array.from({ length: 1000 }, (_, i) => `r${i}`);
    const scheduler = new SeriesScheduler(server.fetchPart);
    const loads = ["k3", "k1", "k2", "k4"].map((k, i) =>
      scheduler.load(request([k], { runIds, priority: [3, 1, 2, 4][i] as number })),
    );
    await tick();
    expect(server.calls.map((c) => c.keys)).toEqual([["k1"]]);
    for (let i = 0; i < 4; i++) {
      await server.answerAll();
      await tick();
    }
    await Promise.all(loads);
    // the rest in one batch, split by runs into requests of at most 2,000 lines, one at a time
    expect(server.calls.map((c) => [c.keys, c.run_ids.length])).toEqual([
      [["k1"], 1000],
      [["k2", "k3", "k4"], 666],
      [["k2", "k3", "k4"], 334],
    ]);
  });

  it("sends the most important panel alone again when a later wave begins (runs shown, zoom)", async () => {
    const server = fakeServer();
    const scheduler = new SeriesScheduler(server.fetchPart);
    const settle = async () => {
      for (let i = 0; i < 4; i++) {
        await tick();
        await server.answerAll();
      }
    };
    const first = [scheduler.load(request(["k1"])), scheduler.load(request(["k2"], { priority: 1 }))];
    await settle();
    await Promise.all(first);
    server.calls.length = 0;
    // the queue is idle; now 1,000 runs are shown and every panel asks again
    const runIds = Array.from({ length: 1000 }, (_, i) => `r${i}`);
    const loads = ["k1", "k2", "k3"].map((k, i) => scheduler.load(request([k], { runIds, priority: i })));
    await tick();
    expect(server.calls.map((c) => c.keys)).toEqual([["k1"]]);
    await settle();
    await Promise.all(loads);
    expect(server.calls.map((c) => [c.keys, c.run_ids.length])).toEqual([
      [["k1"], 1000],
      [["k2", "k3"], 1000],
    ]);
  });

  it("splits a request with too many lines by runs", async () => {
    const server = fakeServer();
    const runIds = Array.from({ length: 3000 }, (_, i) => `r${i}`);
    const scheduler = new SeriesScheduler(server.fetchPart);
    const load = scheduler.load(request(["loss"], { runIds }));
    for (let i = 0; i < 3; i++) {
      await tick();
      await server.answerAll();
    }
    expect(server.calls.map((c) => c.run_ids.length)).toEqual([2000, 1000]);
    expect((await load).series).toHaveLength(3000);
  });

  it("drops a queued request when its signal aborts", async () => {
    const server = fakeServer();
    const scheduler = new SeriesScheduler(server.fetchPart);
    const controller = new AbortController();
    const load = scheduler.load(request(["loss"]), controller.signal);
    controller.abort();
    await expect(load).rejects.toBeDefined();
    await tick();
    expect(server.calls).toHaveLength(0);
  });

  it("fails every panel of a failed request", async () => {
    const scheduler = new SeriesScheduler(() => Promise.reject(new Error("boom")));
    const a = scheduler.load(request(["loss"]));
    const b = scheduler.load(request(["acc"]));
    await expect(a).rejects.toThrow("boom");
    await expect(b).rejects.toThrow("boom");
  });
});
