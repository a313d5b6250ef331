import { describe, expect, it } from "vitest";
import type { Trial } from "../api";
import { bestSoFar, canAct, searchedKeys, whyNot } from "./progress";

function trial(number: number, claimed_at: number, value: number | null, params = {}): Trial {
  return {
    number,
    run_id: `r${number}`,
    status: "finished",
    run_state: "finished",
    params,
    value,
    agent: "a",
    claimed_at,
    ended_at: null,
    note: null,
  };
}

describe("canAct", () => {
  it("follows the server's transitions", () => {
    expect(canAct("running", "pause")).toBe(true);
    expect(canAct("paused", "pause")).toBe(false);
    expect(canAct("paused", "resume")).toBe(true);
    expect(canAct("stopped", "resume")).toBe(false);
    expect(canAct("finished", "stop")).toBe(false);
    expect(canAct("finished", "cancel")).toBe(true);
    expect(canAct("cancelled", "cancel")).toBe(false);
  });
});

describe("bestSoFar", () => {
  const trials = [trial(2, 30, 0.5), trial(0, 10, 0.9), trial(1, 20, 1.2), trial(3, 40, null), trial(4, 50, 0.7)];

  it("orders by start time and keeps the running minimum", () => {
    expect(bestSoFar(trials, "minimize").map((p) => [p.trial, p.best])).toEqual([
      [0, 0.9],
      [1, 0.9],
      [2, 0.5],
      [4, 0.5],
    ]);
  });

  it("keeps the running maximum when maximizing", () => {
    expect(bestSoFar(trials, "maximize").map((p) => p.best)).toEqual([0.9, 1.2, 1.2, 1.2]);
  });
});

describe("searchedKeys", () => {
  it("lists the flattened keys whose values differ", () => {
    const t = [trial(0, 1, 1, { lr: 0.1, model: { width: 32, depth: 2 } }), trial(1, 2, 1, { lr: 0.1, model: { width: 64, depth: 2 } })];
    expect(searchedKeys(t)).toEqual(["model.width"]);
  });
});

describe("whyNot", () => {
  const running = [{ status: "running" as const }];
  const done = [{ status: "finished" as const }];
  it("lets a running or paused sweep be cancelled", () => {
    expect(whyNot("running", "cancel", done)).toBeNull();
    expect(whyNot("paused", "cancel", [])).toBeNull();
  });
  it("has nothing to cancel in a finished or stopped sweep with no trial running", () => {
    expect(whyNot("finished", "cancel", done)).toMatch(/no trial is running/);
    expect(whyNot("stopped", "cancel", [])).toMatch(/no trial is running/);
    expect(whyNot("finished", "cancel", running)).toBeNull();
  });
  it("names the state for an action that does not apply", () => {
    expect(whyNot("running", "resume", [])).toBe("the sweep is running");
  });
});
