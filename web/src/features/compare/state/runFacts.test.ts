import { describe, expect, it } from "vitest";
import { MAX_COMPARE_RUNS } from "../../reports/lib/compareCells";
import { factRequests } from "./runFacts";

describe("the requests for the compared runs' facts", () => {
  it("asks each project for its runs, at most a panel's runs at a time", () => {
    const refs = [
      { ref: "a", project: "p", id: "a" },
      { ref: "q/b", project: "q", id: "b" },
      { ref: "c", project: "p", id: "c" },
    ];
    expect(factRequests(refs)).toEqual([
      { project: "p", ids: ["a", "c"] },
      { project: "q", ids: ["b"] },
    ]);
    const many = Array.from({ length: MAX_COMPARE_RUNS + 1 }, (_, i) => ({ ref: `r${i}`, project: "p", id: `r${i}` }));
    expect(factRequests(many).map((r) => r.ids.length)).toEqual([MAX_COMPARE_RUNS, 1]);
  });
});
