import { describe, expect, it } from "vitest";
import type { Series } from "../../../api/types";
import { normOption } from "./normOption";

const line = (run_id: string, y: number[]): Series => ({
  run_id,
  key: "gradients/fc1/norm",
  x: y.map((_, i) => i),
  y,
  nonfinite: { index: [], kind: [] },
});

const runs = [
  { id: "a", name: "<b>a</b>", color: "#4e79a7" },
  { id: "b", name: "b", color: "#f85848" },
];

describe("normOption", () => {
  it("draws each run's line in the run's colour", () => {
    const option = normOption([line("a", [1, 2]), line("b", [3, 4])], runs) as { series: { color: string; name: string }[] };
    expect(option.series.map((s) => s.color)).toEqual(["#4e79a7", "#f85848"]);
    expect(option.series.map((s) => s.name)).toEqual(["<b>a</b>", "b"]);
  });
  it("escapes run names in the tooltip", () => {
    const option = normOption([line("a", [1])], runs) as { tooltip: { formatter: (p: unknown) => string } };
    const text = option.tooltip.formatter([{ seriesName: "<b>a</b>", color: "#4e79a7", value: [0, 1] }]);
    expect(text).toContain("&lt;b&gt;a&lt;/b&gt;");
    expect(text).not.toContain("<b>");
  });
  it("draws nothing without a line of a shown run", () => {
    expect(normOption([line("z", [1])], runs)).toBeNull();
  });
});
