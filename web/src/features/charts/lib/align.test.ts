import { describe, expect, it } from "vitest";
import { alignX, spreadColumns } from "./align";

describe("alignX", () => {
  it("aligns lines on the union of their x values", () => {
    const { x, columns } = alignX(
      [
        [0, 2, 4],
        [1, 2],
      ],
      100,
    );
    expect(x).toEqual([0, 1, 2, 4]);
    expect([...(columns[0] ?? [])]).toEqual([0, 2, 3]);
    expect([...(columns[1] ?? [])]).toEqual([1, 2]);
  });

  it("snaps to evenly spaced columns when the union is too large", () => {
    const a = Array.from({ length: 100 }, (_, i) => i);
    const b = a.map((v) => v + 0.5);
    const { x, columns } = alignX([a, b], 11);
    expect(x.length).toBeLessThanOrEqual(11);
    expect(x[0]).toBe(0);
    expect(x[x.length - 1]).toBe(99.5);
    expect(columns[0]?.length).toBe(100);
    expect(Math.max(...(columns[1] ?? []))).toBe(x.length - 1);
  });
});

describe("spreadColumns", () => {
  it("fills a line's columns, undefined elsewhere, null kept as a gap", () => {
    const out = spreadColumns(Int32Array.from([0, 2, 3]), [1, null, 3], 5);
    expect(out).toEqual([1, undefined, null, 3, undefined]);
    expect(1 in out).toBe(false);
  });

  it("keeps a null and the farthest value when points share a column", () => {
    expect(spreadColumns(Int32Array.from([0, 1, 1, 1]), [5, 5.1, 9, 5.2], 2)).toEqual([5, 9]);
    expect(spreadColumns(Int32Array.from([0, 1, 1]), [5, 6, null], 2)).toEqual([5, null]);
  });
});
