import { describe, expect, it } from "vitest";
import { secretsKeptOut } from "./ReproducibilityTab";

describe("secretsKeptOut", () => {
  it("lists snapshot and diff entries by path, merging a path found in both", () => {
    const capture = {
      code: { snapshot: { secrets_skipped: { "z.env": "name matches .env", "cfg.yaml": "contents: assignment" } } },
      git: { diff_redacted: { "cfg.yaml": ["assignment"], "train.py": ["github-token", "aws-access-key-id"] } },
    };
    expect(secretsKeptOut(capture)).toEqual([
      ["cfg.yaml", "left out: contents: assignment; redacted in the diff: assignment"],
      ["train.py", "redacted in the diff: github-token, aws-access-key-id"],
      ["z.env", "left out: name matches .env"],
    ]);
  });

  it("is empty for a capture without code or git", () => {
    expect(secretsKeptOut({})).toEqual([]);
  });
});
