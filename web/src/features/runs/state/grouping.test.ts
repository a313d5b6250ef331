import { describe, expect, it } from "vitest";
import type { RunRow } from "../../../api/types";
import { NO_VALUE, cellText, displayRows, groupRuns } from "./grouping";
import { makeRun } from "./testRuns";

function run(id: string, config: RunRow["config"], extra: Partial<RunRow> = {}): RunRow {
  return makeRun({ id, name: id, config, ...extra });
}

const runs = [
  run("a", { optimizer: "sgd", lr: 0.1 }),
  run("b", { optimizer: "adam", lr: 0.1 }),
  run("c", { optimizer: "sgd", lr: 0.3 }),
  run("d", { lr: 0.3 }),
];

describe("groupRuns", () => {
  it("groups by a config value in order of first appearance", () => {
    const groups = groupRuns(runs, "config.optimizer");
    expect(groups.map((g) => g.value)).toEqual(["sgd", "adam", NO_VALUE]);
    expect(groups[0]?.runs.map((r) => r.id)).toEqual(["a", "c"]);
  });
  it("gives groups different colours", () => {
    const colors = groupRuns(runs, "config.optimizer").map((g) => g.color);
    expect(new Set(colors).size).toBe(3);
  });
  it("writes numbers as text", () => {
    expect(groupRuns(runs, "config.lr").map((g) => g.value)).toEqual(["0.1", "0.3"]);
  });
  it("groups by meta fields", () => {
    const withJob = [run("x", {}, { job_type: "train" }), run("y", {}, { job_type: "eval" })];
    expect(groupRuns(withJob, "job_type").map((g) => g.value)).toEqual(["train", "eval"]);
    expect(cellText(run("z", {}, { tags: ["a", "b"] }), "tags")).toBe("a, b");
  });
});

describe("displayRows", () => {
  it("lists runs without grouping", () => {
    expect(displayRows(runs, null, new Set()).map((r) => r.kind)).toEqual(["run", "run", "run", "run"]);
  });
  it("puts a header before each group and hides collapsed groups' runs", () => {
    const rows = displayRows(runs, "config.optimizer", new Set(["sgd"]));
    const shape = rows.map((r) => (r.kind === "group" ? `[${r.group.value}]` : r.run.id));
    expect(shape).toEqual(["[sgd]", "[adam]", "b", `[${NO_VALUE}]`, "d"]);
    const header = rows[0];
    expect(header?.kind === "group" && header.collapsed && header.group.runs.length).toBe(2);
  });
});

describe("groupRuns by a numeric key", () => {
  const many = [0.0902814096, 0.00012, 0.0031, 0.0007, 0.045, 0.00021, 0.012, 0.0015].map((lr, i) =>
    run(`r${i}`, { lr }),
  );
  it("orders exact numeric groups numerically, whatever the run order", () => {
    const mixed = [run("a", { lr: 0.3 }), run("b", { lr: 0.03 }), run("c", {}), run("d", { lr: 0.1 })];
    expect(groupRuns(mixed, "config.lr").map((g) => g.value)).toEqual(["0.03", "0.1", "0.3", NO_VALUE]);
  });
  it("bins many distinct values instead of one group per float (log bins for a key like lr)", () => {
    const groups = groupRuns(many, "config.lr");
    expect(groups.map((g) => g.value)).toEqual(["0.00012–0.00021", "0.0007–0.0031", "0.012", "0.045–0.09"]);
    expect(groups.map((g) => g.runs.length)).toEqual([2, 3, 1, 2]);
  });
  it("follows the chosen mode and bin count", () => {
    expect(groupRuns(many, "config.lr", { mode: "quantile", count: 2 }).map((g) => g.runs.length)).toEqual([4, 4]);
    expect(groupRuns(many, "config.lr", { mode: "values", count: 4 })).toHaveLength(8);
  });
  it("keeps text keys in order of first appearance", () => {
    expect(groupRuns([run("a", { k: "b" }), run("b", { k: "a" })], "config.k").map((g) => g.value)).toEqual(["b", "a"]);
  });
  it("draws a binned run in its bin's group", () => {
    const rows = displayRows(many, "config.lr", new Set(), { mode: "quantile", count: 2 });
    expect(rows.filter((r) => r.kind === "group")).toHaveLength(2);
    const first = rows.find((r) => r.kind === "run" && r.run.id === "r1");
    expect(first?.kind === "run" && first.group).toBe("0.00012–0.0015");
  });
});
