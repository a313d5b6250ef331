import { describe, expect, it } from "vitest";
import type { JsonValue } from "../../../api/types";
import { flatten } from "../../../lib/flatten";
import { type AnalysisRun, type Brush, buildAxes } from "./axes";
import { brushedRuns } from "./brush";
import cases from "./brushCases.json";
import { axisField, bothFilters, brushFilter } from "./brushFilter";

const runs: AnalysisRun[] = [0, 1, 2, 3].map((i) => ({
  id: `r${i}`,
  name: `r${i}`,
  config: { lr: 10 ** -(i + 1), opt: ["adam", "sgd", 'say "hi"', "adam"][i]!, model: 1, "model.width": 32 * (i + 1) },
  summary: { "val/loss": i / 10, "a b": i },
}));
runs[3]!.config = { lr: 1e-4, "model.width": 128 }; // no optimizer: the "(none)" category

describe("the brush as a runs filter", () => {
  const axes = buildAxes(runs, ["lr", "opt", "model.width"], "val/loss");

  it("is empty when nothing is brushed", () => {
    expect(brushFilter({}, axes, runs)).toBe("");
  });

  it("turns numeric ranges into >= and <= (several ranges: or), axes joined with and", () => {
    expect(brushFilter({ lr: [[1e-3, 0.1]] }, axes, runs)).toBe("config.lr >= 0.001 and config.lr <= 0.1");
    expect(brushFilter({ "val/loss": [[0, 0.1], [0.3, 0.3]], lr: [[1e-4, 1e-3]] }, axes, runs)).toBe(
      "config.lr >= 0.0001 and config.lr <= 0.001 and " +
        "((summary.val/loss >= 0 and summary.val/loss <= 0.1) or (summary.val/loss >= 0.3 and summary.val/loss <= 0.3))",
    );
  });

  it("turns category ranges into a quoted list, with a missing value as is null", () => {
    const opt = axes[1]!;
    expect(opt.categories).toEqual(["(none)", "adam", "say \"hi\"", "sgd"]);
    expect(brushFilter({ opt: [[1, 2]] }, axes, runs)).toBe('config.opt in ["adam", "say \\"hi\\""]');
    expect(brushFilter({ opt: [[0, 1]] }, axes, runs)).toBe('(config.opt in ["adam"] or config.opt is null)');
  });

  it("writes dotted config keys as paths and odd keys in brackets", () => {
    expect(axisField(axes[2]!)).toBe("config.model.width");
    expect(axisField({ key: "a b", source: "summary", kind: "value", categories: [] })).toBe('summary["a b"]');
    expect(axisField({ key: "x y.z", source: "config", kind: "value", categories: [] })).toBe('config["x y"].z');
    // a backslash then b stays two characters; a backspace or form feed is a \u escape the store reads
    expect(axisField({ key: "a\\b \b\f", source: "summary", kind: "value", categories: [] })).toBe('summary["a\\\\b \\u0008\\u000c"]');
  });

  it("combines with the typed filter so that both hold", () => {
    expect(bothFilters("", "")).toBe("");
    expect(bothFilters("a == 1", "")).toBe("a == 1");
    expect(bothFilters("", "b == 2")).toBe("b == 2");
    expect(bothFilters("a == 1 or c == 3", "b == 2")).toBe("(a == 1 or c == 3) and (b == 2)");
  });
});

// brushCases.json is read by tests/server/test_reports_api.py too: the server keeps the same runs.
interface BrushCases {
  params: string[];
  metric: string;
  runs: Array<{ name: string; config: Record<string, JsonValue>; summary: Record<string, JsonValue> }>;
  cases: Array<{ brush: Brush; filter: string; kept: string[] }>;
}

describe("the shared brush cases", () => {
  const shared = cases as unknown as BrushCases;
  const runs: AnalysisRun[] = shared.runs.map((r) => ({ id: r.name, name: r.name, config: flatten(r.config), summary: r.summary }));
  const axes = buildAxes(runs, shared.params, shared.metric);

  it.each(shared.cases)("$filter", ({ brush, filter, kept }) => {
    expect(brushFilter(brush, axes, runs)).toBe(filter);
    expect(brushedRuns(runs, axes, brush).map((r) => r.name)).toEqual(kept);
  });
});
