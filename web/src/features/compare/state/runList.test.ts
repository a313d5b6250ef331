import { describe, expect, it } from "vitest";
import { plural } from "../../../lib/plural";
import { withRun, withoutRun } from "./runList";

describe("run list", () => {
  it("appends a new run once and removes one keeping the order", () => {
    expect(withRun(["a", "b"], "c")).toEqual(["a", "b", "c"]);
    expect(withRun(["a", "b"], "a")).toEqual(["a", "b"]);
    expect(withoutRun(["a", "b", "c"], "b")).toEqual(["a", "c"]);
  });
  it("says 1 run and 2 runs", () => {
    expect(plural(1, "run")).toBe("1 run");
    expect(plural(0, "run")).toBe("0 runs");
    expect(plural(2, "run")).toBe("2 runs");
  });
});
