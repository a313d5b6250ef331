import { describe, expect, it } from "vitest";

import { DEFAULT_META, defaultColumns } from "./columnIds";

describe("defaultColumns", () => {
  it("puts the server's data columns, in its order, right after the state and before tags", () => {
    expect(defaultColumns(["config.lr", "config.model.width", "summary.val/acc"])).toEqual([
      "state",
      "config.lr",
      "config.model.width",
      "summary.val/acc",
      "created_at",
      "runtime",
      "tags",
      "repro_score",
    ]);
  });

  it("leaves out ids this version does not know", () => {
    expect(defaultColumns(["bogus", "summary.x"])).toEqual(["state", "summary.x", ...DEFAULT_META.slice(1)]);
  });
});
