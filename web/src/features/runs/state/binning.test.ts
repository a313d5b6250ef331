import { describe, expect, it } from "vitest";
import { binValues, decodeBinChoice, encodeBinChoice, formatBound, resolveMode, spansOrders } from "./binning";

const labels = (values: number[], mode: Parameters<typeof binValues>[1], count: number) =>
  binValues(values, mode, count)?.bins.map((b) => b.label) ?? null;

describe("formatBound", () => {
  it("writes three significant digits without float noise", () => {
    expect(formatBound(0.0902814096123)).toBe("0.0903");
    expect(formatBound(0.1 + 0.2)).toBe("0.3");
    expect(formatBound(128)).toBe("128");
    expect(formatBound(0)).toBe("0");
  });
  it("uses exponents for tiny and huge numbers", () => {
    expect(formatBound(0.00001234)).toBe("1.23e-5");
    expect(formatBound(3e7)).toBe("3e+7");
  });
});

describe("resolveMode", () => {
  it("keeps exact values when there are no more than the bin count", () => {
    expect(resolveMode("auto", [0.3, 0.1, 0.03, 0.3], 4)).toBe("values");
  });
  it("picks log bins for a key spanning orders of magnitude, quantile bins otherwise", () => {
    expect(spansOrders([1e-4, 3e-3, 0.1])).toBe(true);
    expect(spansOrders([-1, 100])).toBe(false);
    expect(resolveMode("auto", [1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 0.1], 4)).toBe("log");
    expect(resolveMode("auto", [1, 2, 3, 4, 5, 6], 4)).toBe("quantile");
    expect(resolveMode("quantile", [1, 2], 4)).toBe("quantile");
  });
});

describe("binValues", () => {
  it("returns null for exact values", () => {
    expect(binValues([1, 2, 3], "auto", 4)).toBeNull();
    expect(binValues([1, 2, 3, 4, 5, 6], "values", 2)).toBeNull();
    expect(binValues([], "quantile", 2)).toBeNull();
  });
  it("makes quantile bins of about equal size, labelled by the values they hold, in numeric order", () => {
    expect(labels([8, 1, 7, 2, 6, 3, 5, 4], "quantile", 4)).toEqual(["1–2", "3–4", "5–6", "7–8"]);
    expect(labels([0.3, 0.3, 0.1, 0.1, 0.03, 0.03], "quantile", 2)).toEqual(["0.03–0.1", "0.3"]);
  });
  it("never splits equal values between quantile bins", () => {
    const binning = binValues([1, 1, 1, 1, 1, 2], "quantile", 3);
    expect(binning?.bins.map((b) => b.label)).toEqual(["1", "2"]);
    expect(binning?.binOf(1)).toBe(0);
    expect(binning?.binOf(2)).toBe(1);
  });
  it("makes log bins of equal width in log10 and drops empty ones", () => {
    const lrs = [1e-4, 2e-4, 1e-3, 3e-3, 1e-2, 0.02, 0.09];
    const binning = binValues(lrs, "log", 3);
    expect(binning?.bins.map((b) => b.label)).toEqual(["0.0001–0.0002", "0.001–0.003", "0.01–0.09"]);
    expect(binning?.binOf(3e-3)).toBe(1);
    expect(labels([0.001, 0.1], "log", 10)).toEqual(["0.001", "0.1"]);
  });
  it("falls back to quantile bins when log bins meet a value that is not positive", () => {
    expect(labels([0, 1, 2, 3], "log", 2)).toEqual(["0–1", "2–3"]);
  });
  it("assigns every value to the bin whose range holds it", () => {
    const values = Array.from({ length: 50 }, (_, i) => 10 ** (-5 + (4 * i) / 49));
    const binning = binValues(values, "auto", 5);
    expect(binning?.bins).toHaveLength(5);
    for (const v of values) {
      const bin = binning?.bins[binning.binOf(v)];
      expect(bin && v >= bin.lo && v <= bin.hi).toBe(true);
    }
  });
});

describe("bin choice in the URL", () => {
  it("round-trips and reads junk as auto", () => {
    expect(encodeBinChoice("auto", 4)).toBeNull();
    expect(decodeBinChoice(encodeBinChoice("log", 5))).toEqual({ mode: "log", count: 5 });
    expect(decodeBinChoice("values")).toEqual({ mode: "values", count: 4 });
    expect(decodeBinChoice("nonsense-99")).toEqual({ mode: "auto", count: 4 });
  });
});

describe("bin labels", () => {
  it("use two significant digits, more only where two bins would read the same", () => {
    expect(labels([0.00171, 0.00512, 0.0147, 0.0612], "quantile", 2)).toEqual(["0.0017–0.0051", "0.015–0.061"]);
    expect(labels([1.01, 1.02, 1.03, 1.04], "quantile", 2)).toEqual(["1.01–1.02", "1.03–1.04"]);
  });
});
