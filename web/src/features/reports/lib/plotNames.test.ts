import { describe, expect, it } from "vitest";
import { plotNames } from "./plotNames";

describe("plotNames", () => {
  it("names a confusion matrix's classes in the spec's order", () => {
    const spec = { type: "confusion_matrix", classes: ["b", "<a>"], actual: "Actual" };
    expect(plotNames({ spec, data: { Actual: ["<a>", "b"] } })).toEqual(["b", "<a>"]);
  });

  it("names each series once, in the order the rows first give it", () => {
    const spec = { type: "roc_curve", x: "fpr", y: "tpr", series: "class" };
    expect(plotNames({ spec, data: { class: ["dog", "dog", "cat", "dog", 3] } })).toEqual(["dog", "cat", "3"]);
  });

  it("names nothing for a chart of one series", () => {
    expect(plotNames({ spec: { type: "line", x: "x", y: "y" }, data: { x: [1], y: [2] } })).toEqual([]);
  });
});
