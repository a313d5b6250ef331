import { describe, expect, it } from "vitest";
import type { RunRow } from "../../../api/types";
import { aggregate } from "./aggregate";
import { makeRun } from "./testRuns";

function run(config: RunRow["config"], summary: RunRow["summary"] = {}, state: RunRow["state"] = "finished"): RunRow {
  return makeRun({ config, summary, state });
}

describe("aggregate", () => {
  it("shows a value all runs share", () => {
    const a = aggregate([run({ lr: 0.1 }), run({ lr: 0.1 })], "config.lr");
    expect(a).toMatchObject({ text: "0.1", kind: "same" });
  });
  it("averages numbers that differ", () => {
    const a = aggregate([run({}, { acc: 0.5 }), run({}, { acc: 1 }), run({}, {})], "summary.acc");
    expect(a).toMatchObject({ text: "0.75", kind: "mean" });
    expect(a.title).toContain("min 0.5, max 1");
  });
  it("counts distinct strings and states", () => {
    expect(aggregate([run({ o: "a" }), run({ o: "b" })], "config.o").text).toBe("2 values");
    expect(aggregate([run({}, {}, "finished"), run({}, {}, "failed"), run({})], "state").text).toBe(
      "2 finished, 1 failed",
    );
  });
  it("leaves other columns empty", () => {
    expect(aggregate([run({})], "tags").kind).toBe("none");
    expect(aggregate([run({})], "config.missing").kind).toBe("none");
  });
});
