import { describe, expect, it } from "vitest";
import { NO_PERSONAL, parsePersonal } from "./personalState";

describe("parsePersonal", () => {
  it("reads what was stored", () => {
    const text = JSON.stringify({ chart: { x: "_runtime", logy: true, smooth: 0.6 }, collapsed: { default: { val: true, train: false } } });
    expect(parsePersonal(text)).toEqual({ chart: { x: "_runtime", logy: true, smooth: 0.6 }, collapsed: { default: { val: true, train: false } } });
  });

  it("drops what is malformed instead of failing", () => {
    expect(parsePersonal("not json")).toEqual(NO_PERSONAL);
    expect(parsePersonal(null)).toEqual(NO_PERSONAL);
    expect(parsePersonal("[1,2]")).toEqual(NO_PERSONAL);
    const text = JSON.stringify({ chart: { x: 3, logy: "yes", smooth: "NaN" }, collapsed: { default: { val: 1, ok: true }, bad: [] } });
    expect(parsePersonal(text)).toEqual({ chart: {}, collapsed: { default: { ok: true } } });
  });
});
