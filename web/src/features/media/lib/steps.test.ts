import { describe, expect, it } from "vitest";
import type { MediaValue } from "../api";
import { itemsOf, unionSteps, valueAt } from "./steps";

const value = (step: number, seq: number): MediaValue => ({
  step,
  seq,
  ts: 0,
  kind: "image",
  blob: null,
  meta: { n: seq },
});

describe("steps", () => {
  it("unions the runs' steps", () => {
    expect(unionSteps([{ run_id: "a", values: [value(0, 1), value(4, 2)] }, { run_id: "b", values: [value(2, 1), value(4, 3)] }])).toEqual([0, 2, 4]);
  });

  it("finds the value at a step, or the last one before it", () => {
    const values = [value(0, 1), value(2, 2), value(2, 3), value(5, 4)];
    expect(valueAt(values, 2)?.seq).toBe(3);
    expect(valueAt(values, 4)?.seq).toBe(3);
    expect(valueAt([value(3, 1)], 1)).toBeNull();
  });

  it("lists gallery items", () => {
    expect(itemsOf<{ a: number }>({ items: [{ a: 1 }, { a: 2 }] })).toEqual([{ a: 1 }, { a: 2 }]);
    expect(itemsOf<{ a: number }>({ a: 1 })).toEqual([{ a: 1 }]);
  });
});
