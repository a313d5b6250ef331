import { describe, expect, it } from "vitest";
import { keyChosen, sectionRecord } from "./compareCells";

describe("a compare panel's cells", () => {
  const values = { "config.lr": 0.1, "config.model.width": 8, "config.modelx": 1, "summary.acc": 0.5, "run.python": "3.11" };

  it("splits them by section, without the prefix", () => {
    expect(sectionRecord(values, "config.", [])).toEqual({ lr: 0.1, "model.width": 8, modelx: 1 });
    expect(sectionRecord(values, "run.", [])).toEqual({ python: "3.11" });
  });

  it("keeps the rows the keys name, and the keys under them", () => {
    expect(sectionRecord(values, "config.", ["config.model"])).toEqual({ "model.width": 8 });
    expect(sectionRecord(values, "summary.", ["config.model"])).toEqual({});
    expect(keyChosen("summary.acc", ["summary.acc", "config.lr"])).toBe(true);
  });
});
