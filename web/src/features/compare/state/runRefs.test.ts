import { describe, expect, it } from "vitest";
import type { RunDetail } from "../../../api/types";
import { joinList, splitList } from "../../../lib/urlList";
import { comparedRuns, parseRef, parseRefs, refOf } from "./runRefs";

describe("run refs", () => {
  it("reads a bare id as a run of the page's project", () => {
    expect(parseRef("abc", "vision")).toEqual({ ok: true, run: { ref: "abc", project: "vision", id: "abc" } });
  });
  it("reads project/id as a run of that project, and page/id as a bare id", () => {
    expect(parseRef("nlp/xyz", "vision")).toEqual({ ok: true, run: { ref: "nlp/xyz", project: "nlp", id: "xyz" } });
    expect(parseRef("vision/abc", "vision")).toEqual({ ok: true, run: { ref: "abc", project: "vision", id: "abc" } });
  });
  it("refuses paths that name no run, saying why", () => {
    for (const entry of ["/abc", "../abc", "./abc", "nlp/", "nlp/a/b", "nlp/..", " /abc"]) {
      const parsed = parseRef(entry, "vision");
      expect(parsed.ok, entry).toBe(false);
      if (!parsed.ok) expect(parsed.error.length).toBeGreaterThan(0);
    }
  });
  it("keeps each run once, in order, and lists the bad entries", () => {
    const { runs, bad } = parseRefs(["a", "nlp/b", "vision/a", "../x", "nlp/b"], "vision");
    expect(runs.map((r) => r.ref)).toEqual(["a", "nlp/b"]);
    expect(bad.map((b) => b.entry)).toEqual(["../x"]);
  });
  it("round-trips through the URL list, commas and backslashes in project names too", () => {
    const refs = [refOf("a,b\\c", "r1", "vision"), refOf("vision", "r2", "vision")];
    expect(refs).toEqual(["a,b\\c/r1", "r2"]);
    const back = parseRefs(splitList(joinList(refs)), "vision").runs;
    expect(back.map((r) => [r.project, r.id])).toEqual([["a,b\\c", "r1"], ["vision", "r2"]]);
  });
});

describe("compared runs", () => {
  const run = (project: string, id: string, number: number) => ({ project, id, number, name: id }) as RunDetail;
  it("labels runs with their project only when projects differ", () => {
    expect(comparedRuns([{ ref: "a", run: run("p", "a", 1) }]).map((r) => r.place)).toEqual([null]);
    const two = comparedRuns([
      { ref: "a", run: run("p", "a", 1) },
      { ref: "q/b", run: run("q", "b", 1) },
    ]);
    expect(two.map((r) => r.place)).toEqual(["p", "q"]);
  });
  it("gives run 1 of two projects two colours", () => {
    const runs = comparedRuns([
      { ref: "a", run: run("p", "a", 1) },
      { ref: "q/b", run: run("q", "b", 1) },
      { ref: "q/c", run: run("q", "c", 2) },
    ]);
    expect(new Set(runs.map((r) => r.color)).size).toBe(3);
  });
});
