import { describe, expect, it } from "vitest";
import type { TablePage } from "../api";
import { binValues, plotOption } from "./plotOption";

const page = (data: Record<string, unknown[]>): TablePage => ({
  step: 0,
  total: 0,
  matched: 0,
  offset: 0,
  columns: Object.keys(data),
  types: {},
  data,
  groups: null,
  spec: null,
});

describe("plotOption", () => {
  it("puts a confusion matrix's counts at (predicted, actual)", () => {
    const option = plotOption(
      { type: "confusion_matrix", actual: "Actual", predicted: "Predicted", count: "Count", classes: ["a", "b"] },
      page({ Actual: ["a", "a", "b", "b"], Predicted: ["a", "b", "a", "b"], Count: [5, 1, 0, 7] }),
    );
    const series = option.series as { data: number[][] }[];
    expect(series[0]?.data).toEqual([
      [0, 0, 5],
      [1, 0, 1],
      [0, 1, 0],
      [1, 1, 7],
    ]);
  });

  it("draws one line per class of a curve", () => {
    const option = plotOption(
      { type: "roc_curve", x: "fpr", y: "tpr", series: "class" },
      page({ class: ["a", "a", "b"], fpr: [0, 1, 0], tpr: [0, 1, 1] }),
    );
    const series = option.series as { name: string; data: number[][] }[];
    expect(series.map((s) => [s.name, s.data.length])).toEqual([
      ["a", 2],
      ["b", 1],
    ]);
  });

  it("bins values for a histogram", () => {
    expect(binValues([0, 1, 1, 2], 2)).toEqual([
      [0.5, 1],
      [1.5, 3],
    ]);
    expect(binValues([Number.NaN])).toEqual([]);
  });
});

describe("plotOption colours", () => {
  it("writes counts in a small multiple's cells only for a few classes", () => {
    const classes = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];
    const spec = { type: "confusion_matrix", classes };
    const shown = (compact: boolean) =>
      (plotOption(spec, page({}), undefined, compact) as { series: { label: { show: boolean } }[] }).series[0]?.label.show;
    expect(shown(false)).toBe(true);
    expect(shown(true)).toBe(false);
  });

  it("colours a confusion matrix from the theme", () => {
    const option = plotOption(
      { type: "confusion_matrix", classes: ["a"] },
      page({ Actual: ["a"], Predicted: ["a"], Count: [3] }),
      { matrix: ["#111111", "#222222"], cellLabel: "#333333" },
    );
    expect((option.visualMap as { inRange: { color: string[] } }).inRange.color).toEqual(["#111111", "#222222"]);
    expect((option.series as { label: { color: string } }[])[0]?.label.color).toBe("#333333");
  });
});
