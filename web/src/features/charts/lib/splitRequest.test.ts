import { describe, expect, it } from "vitest";
import type { SeriesRequest } from "../../../api/types";
import { splitRequest } from "./splitRequest";

const ids = (n: number) => Array.from({ length: n }, (_, i) => `r${i}`);

describe("splitRequest", () => {
  it("keeps a small request whole", () => {
    const request: SeriesRequest = { run_ids: ids(10), keys: ["a", "b"] };
    expect(splitRequest(request)).toEqual([request]);
  });

  it("splits by runs so runs × keys stays under the limit", () => {
    const parts = splitRequest({ run_ids: ids(1000), keys: ["a", "b", "c"], x: "_step" }, 2000);
    expect(parts.map((p) => p.run_ids.length)).toEqual([666, 334]);
    expect(parts.every((p) => p.keys.length === 3 && p.x === "_step")).toBe(true);
    expect(parts.flatMap((p) => p.run_ids)).toEqual(ids(1000));
  });
});
