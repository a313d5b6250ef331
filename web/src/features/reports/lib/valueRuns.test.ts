import { describe, expect, it } from "vitest";
import { bars, runValue } from "../../charts/lib/runValues";
import { valueRuns } from "./valueRuns";

describe("valueRuns", () => {
  it("splits a panel's values into config and summary, as the workspace's runs have them", () => {
    const [run] = valueRuns(
      [{ id: "a", name: "A", number: 1, group: 64, values: { "config.model.width": 64, "summary.val/acc": 0.9, "summary.loss": "NaN" }, series: [] }],
      () => "#123456",
    );
    expect(run?.config).toEqual({ "model.width": 64 });
    expect(runValue(run!, "summary.val/acc")).toBe(0.9);
    expect(runValue(run!, "summary.loss")).toBeNull(); // NaN is not drawn
    expect(run?.group).toBe("64");
    expect(bars(run ? [run] : [], "summary.val/acc", false)).toEqual([
      { label: "A", color: "#123456", value: 0.9, low: null, high: null, runIds: ["a"] },
    ]);
  });
});
