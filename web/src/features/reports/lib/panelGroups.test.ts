import { describe, expect, it } from "vitest";
import type { JsonValue } from "../../../api/types";
import { PALETTE } from "../../../lib/colors";
import { buildLines } from "../../charts/lib/chartLines";
import type { PanelRun } from "../api";
import fixture from "./panelGroups.json";
import { groupBins, panelBinning, panelGroups, panelLineRuns } from "./panelGroups";

/** A run of the fixture, having logged `loss` at steps 0 and 1 (its values set apart by its id). */
function panelRun([id, group]: [string, JsonValue]): PanelRun {
  const base = id.charCodeAt(0);
  return { id, name: `run ${id}`, number: base, group, values: {}, series: [{ key: "loss", x: [0, 1], y: [base, base + 1], nonfinite: { index: [], kind: [] } }] };
}

const cases = fixture.cases.map((c) => ({ ...c, runs: c.runs.map((r) => panelRun(r as [string, JsonValue])) }));
const series = (runs: PanelRun[]) => runs.flatMap((r) => r.series.map((s) => ({ ...s, run_id: r.id })));

describe("panelGroups (the cases tests/reports/test_groups.py checks the LaTeX figure against)", () => {
  it.each(cases)("names, colours and members: $name", ({ runs, groups, ...c }) => {
    const bins = "bins" in c ? (c.bins as string) : null;
    const lines = buildLines(series(runs), panelLineRuns(runs, true, () => "#000000", bins), ["loss"], true, 100);
    expect(lines.map((l) => ({ name: l.label, color: l.color, runs: l.runIds }))).toEqual(
      groups.map((g) => ({ name: g.name, color: PALETTE[g.color], runs: g.runs })),
    );
  });

  it("a group's line is the mean of its runs, with their min and max as its band", () => {
    const runs = [panelRun(["a", "x"]), panelRun(["c", "x"])]; // loss: a 97, 98; c 99, 100
    const [line] = buildLines(series(runs), panelLineRuns(runs, true, () => "#000000"), ["loss"], true, 100);
    expect(line?.y).toEqual([98, 99]);
    expect(line?.band).toEqual({ min: [97, 98], max: [99, 100] });
  });

  it("ungrouped, every run is a line in its own colour", () => {
    const runs = cases[0]?.runs ?? [];
    const lines = buildLines(series(runs), panelLineRuns(runs, false, (r) => `#${r.id.repeat(6)}`), ["loss"], false, 100);
    expect(lines.map((l) => [l.label, l.color])).toEqual(runs.map((r) => [r.name, `#${r.id.repeat(6)}`]));
  });

  it("groups a numeric key by exact values, not the workspace's default bins", () => {
    const runs = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6].map((v, i) => panelRun([String.fromCharCode(97 + i), v]));
    expect(panelGroups(runs).map((g) => g.value)).toEqual(["0.1", "0.2", "0.3", "0.4", "0.5", "0.6"]);
  });
});

describe("group_bins", () => {
  it("writes the workspace's choice out, the default too, and reads it back", () => {
    expect(groupBins({ mode: "auto", count: 4 })).toBe("auto-4");
    expect(groupBins({ mode: "log", count: 5 })).toBe("log-5");
    expect(groupBins({ mode: "values", count: 4 })).toBe("values");
    expect(panelBinning("quantile-2")).toEqual({ mode: "quantile", count: 2 });
    expect(panelBinning(null).mode).toBe("values"); // a panel without bins: exact values
  });
});
