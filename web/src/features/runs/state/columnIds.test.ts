import { describe, expect, it } from "vitest";

import { DEFAULT_META, defaultColumns } from "./columnIds";

describe("defaultColumns", () => {
  it("puts the meta columns before the server's data columns, in the server's order", () => {
    expect(defaultColumns(["config.lr", "config.model.width", "summary.val/acc"])).toEqual([
      ...DEFAULT_META,
      "config.lr",
      "config.model.width",
      "summary.val/acc",
    ]);
  });

  it("leaves out ids this version does not know", () => {
    expect(defaultColumns(["bogus", "summary.x"]).slice(DEFAULT_META.length)).toEqual(["summary.x"]);
  });
});
