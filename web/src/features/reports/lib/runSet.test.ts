import { describe, expect, it } from "vitest";
import { runsRunSet, sweepRunSet } from "./runSet";

describe("report run sets", () => {
  it("selects a sweep's runs by its id, quoted", () => {
    expect(sweepRunSet("p", 'a"b')).toEqual({ project: "p", filter: 'sweep_id == "a\\"b"' });
  });

  it("selects compared runs of one project by id, in their project", () => {
    expect(runsRunSet([{ project: "other", id: "r1" }, { project: "other", id: "r2" }])).toEqual({
      project: "other",
      filter: 'id in ["r1", "r2"]',
    });
  });

  it("says why runs of several projects make no panel", () => {
    const set = runsRunSet([{ project: "a", id: "r1" }, { project: "b", id: "r2" }]);
    expect(set).toEqual({ blocked: expect.stringContaining("2 projects (a, b)") });
  });

  it("says there is nothing to add without runs", () => {
    expect(runsRunSet([])).toEqual({ blocked: expect.stringContaining("no runs") });
  });
});
