import { describe, expect, it } from "vitest";
import { splitDiff } from "./DiffViewer";

describe("splitDiff", () => {
  it("splits a unified diff into one block per file", () => {
    const diff = [
      "diff --git a/a.py b/a.py",
      "@@ -1 +1 @@",
      "-x",
      "+y",
      "diff --git a/lib/b.py b/lib/b.py",
      "+z",
    ].join("\n");
    const files = splitDiff(diff);
    expect(files.map((f) => f.name)).toEqual(["a.py", "lib/b.py"]);
    expect(files[0]?.lines).toHaveLength(4);
  });

  it("keeps text without a header as one block", () => {
    expect(splitDiff("+only").map((f) => f.name)).toEqual(["diff"]);
  });
});
