import { describe, expect, it } from "vitest";

import { defaultColumns } from "./columnIds";

describe("defaultColumns", () => {
  const runs = [
    { config: { batch_size: 64, lr: 0.1, "model.width": 32 } },
    { config: { batch_size: 64, lr: 0.01, "model.width": 128 } },
  ];

  it("puts config keys that differ between runs before constant ones", () => {
    const cols = defaultColumns(["batch_size", "epochs", "lr", "model.width"], [], runs);
    expect(cols.filter((c) => c.startsWith("config."))).toEqual([
      "config.lr",
      "config.model.width",
      "config.batch_size",
      "config.epochs",
    ]);
  });

  it("leads the summary with validation and test metrics", () => {
    const cols = defaultColumns([], ["epoch", "train/loss", "val/acc", "test_acc", "_runtime"], runs);
    expect(cols.filter((c) => c.startsWith("summary."))).toEqual([
      "summary.val/acc",
      "summary.test_acc",
      "summary.epoch",
      "summary.train/loss",
    ]);
  });

  it("keeps the given order without loaded runs", () => {
    const cols = defaultColumns(["a", "b"], ["x"]);
    expect(cols.slice(-3)).toEqual(["config.a", "config.b", "summary.x"]);
  });
});
