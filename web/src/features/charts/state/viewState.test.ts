import { describe, expect, it } from "vitest";
import { formatZoom, parseView, parseZoom, resolveX, writeView } from "./viewState";

describe("view state in the URL", () => {
  it("reads defaults, then saved settings, then the URL", () => {
    expect(parseView(new URLSearchParams(), {})).toEqual({
      smoothing: 0,
      x: "_step",
      logy: false,
      zoom: null,
      search: "",
    });
    expect(parseView(new URLSearchParams(), { x: "_runtime", logy: true, smooth: 0.5 })).toMatchObject({
      x: "_runtime",
      logy: true,
      smoothing: 0.5,
    });
    const params = new URLSearchParams("smooth=0.8&x=train%2Facc&logy=0&zoom=10,20&panels=val%2F");
    expect(parseView(params, { x: "_runtime", logy: true, smooth: 0.5 })).toEqual({
      smoothing: 0.8,
      x: "train/acc",
      logy: false,
      zoom: [10, 20],
      search: "val/",
    });
  });

  it("clamps smoothing and rejects bad zooms", () => {
    expect(parseView(new URLSearchParams("smooth=3"), {}).smoothing).toBe(0.99);
    expect(parseView(new URLSearchParams("smooth=abc"), {}).smoothing).toBe(0);
    expect(parseZoom("5,1")).toBeNull();
    expect(parseZoom("a,b")).toBeNull();
    expect(parseZoom("1")).toBeNull();
  });

  it("writes a patch and keeps other parameters", () => {
    const next = writeView(new URLSearchParams("filter=lr%3E0.1&zoom=1,2"), { smoothing: 0.6, zoom: null, logy: true });
    expect(next.get("filter")).toBe("lr>0.1");
    expect(next.get("smooth")).toBe("0.6");
    expect(next.get("logy")).toBe("1");
    expect(next.has("zoom")).toBe(false);
    expect(writeView(next, { search: "acc" }).get("panels")).toBe("acc");
    expect(writeView(new URLSearchParams("panels=acc"), { search: "" }).has("panels")).toBe(false);
  });

  it("formats zooms compactly and exactly enough", () => {
    expect(formatZoom([12.3456789012345, 100])).toBe("12.3457,100");
    expect(formatZoom([1_700_000_000.25, 1_700_000_100.5])).toBe("1700000000.25,1700000100.5");
    expect(formatZoom([0, 3_000_000])).toBe("0,3000000");
  });
});

describe("resolveX", () => {
  it("keeps a built-in axis or a logged key, and any axis while the keys load", () => {
    expect(resolveX("_runtime", ["loss"])).toEqual({ x: "_runtime", unknown: null });
    expect(resolveX("epoch", ["epoch", "loss"])).toEqual({ x: "epoch", unknown: null });
    expect(resolveX("epoch", null)).toEqual({ x: "epoch", unknown: null });
  });

  it("falls back to the step for a key the runs never logged, and names it", () => {
    expect(resolveX("nokey", ["epoch", "loss"])).toEqual({ x: "_step", unknown: "nokey" });
  });
});
