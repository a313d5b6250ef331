import { describe, expect, it } from "vitest";
import { compareSections, groupKeysBySection, isChartableKey, sectionOf } from "./sections";

describe("sectionOf", () => {
  it("takes the prefix before the first slash", () => {
    expect(sectionOf("train/loss")).toBe("train");
    expect(sectionOf("val/acc/top5")).toBe("val");
  });

  it("puts keys without a prefix into Charts", () => {
    expect(sectionOf("loss")).toBe("Charts");
    expect(sectionOf("/loss")).toBe("Charts");
  });
});

describe("groupKeysBySection", () => {
  it("groups keys, orders sections alphabetically with system ones last", () => {
    const sections = groupKeysBySection([
      "val/loss",
      "system/gpu.0.util",
      "train/loss",
      "lr",
      "train/acc",
      "Eval/bleu",
      "gpu/mem",
      "_step",
      "val/acc",
    ]);
    expect(sections.map((s) => s.name)).toEqual(["Charts", "Eval", "train", "val", "gpu", "system"]);
    expect(sections.find((s) => s.name === "train")?.keys).toEqual(["train/acc", "train/loss"]);
  });

  it("sorts keys naturally and drops internal columns and duplicates", () => {
    const [section] = groupKeysBySection(["layer10/w", "layer2/w", "layer2/w"]).filter((s) => s.name === "layer10");
    expect(section?.keys).toEqual(["layer10/w"]);
    expect(groupKeysBySection(["l/b10", "l/b2", "l/b1"])[0]?.keys).toEqual(["l/b1", "l/b2", "l/b10"]);
    expect(isChartableKey("_runtime")).toBe(false);
    expect(groupKeysBySection(["_step", "_timestamp"])).toEqual([]);
  });

  it("compares section names case-insensitively", () => {
    expect(compareSections("alpha", "Beta")).toBeLessThan(0);
    expect(compareSections("system", "zeta")).toBeGreaterThan(0);
  });
});
