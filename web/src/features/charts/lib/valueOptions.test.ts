import { describe, expect, it } from "vitest";
import { bars, scatterPoints, type ValueRun } from "./runValues";
import { barChart, keyLabel, scatterChart } from "./valueOptions";

const evil: ValueRun = {
  id: "r1",
  name: '<img src=x onerror="alert(1)">',
  color: "#123456",
  group: null,
  created_at: 1,
  config: { lr: 0.1, width: 32 },
  summary: { "val/acc": 0.9 },
};
const plain: ValueRun = { ...evil, id: "r2", name: "plain", config: { lr: 0.3 }, summary: { "val/acc": 0.5 } };

type Series = { data: unknown[]; tooltip: { formatter: (item: { dataIndex: number }) => string } };

describe("scatterChart", () => {
  it("escapes run names in the tooltip and anchors each point to its run", () => {
    const points = scatterPoints([evil, plain], "config.lr", "summary.val/acc", null);
    const { option, anchors } = scatterChart(points, { x: "config.lr", y: "summary.val/acc", color: null }, { x: false, y: false });
    const series = option.series as Series[];
    const tip = series[1]?.tooltip.formatter({ dataIndex: 0 }) ?? "";
    expect(tip).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;");
    expect(tip).not.toContain("<img");
    expect(anchors.map((a) => [a.runId, a.value])).toEqual([
      ["r1", [0.1, 0.9]],
      ["r2", [0.3, 0.5]],
    ]);
    expect(option.visualMap).toBeUndefined();
  });

  it("colours by a key with a continuous scale; runs without it are grey", () => {
    const points = scatterPoints([evil, plain], "config.lr", "summary.val/acc", "config.width");
    const { option, anchors } = scatterChart(points, { x: "config.lr", y: "summary.val/acc", color: "config.width" }, { x: false, y: false });
    expect(option.visualMap).toMatchObject({ type: "continuous", seriesIndex: 0, min: 32 });
    expect(anchors.map((a) => [a.series, a.runId])).toEqual([
      [0, "r1"],
      [1, "r2"],
    ]);
  });
});

describe("barChart", () => {
  it("draws whiskers only when grouped and escapes labels in tooltips", () => {
    const list = bars([evil, plain], "summary.val/acc", false);
    const single = barChart(list, "summary.val/acc", false, { text: "#000", panel: "#fff" });
    expect((single.option.series as Series[]).length).toBe(1);
    expect((single.option.series as Series[])[0]?.tooltip.formatter({ dataIndex: 0 })).not.toContain("<img");
    const grouped = barChart(bars([evil, plain], "summary.val/acc", true), "summary.val/acc", true, { text: "#000", panel: "#fff" });
    expect((grouped.option.series as Series[]).length).toBe(2);
  });

  it("names keys without their source", () => {
    expect(keyLabel("summary.val/acc")).toBe("val/acc");
    expect(keyLabel("config.model.width")).toBe("model.width");
  });
});
