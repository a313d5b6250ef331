import { describe, expect, it } from "vitest";
import { formatNumber, formatValue, isNumeric } from "./format";

describe("formatNumber", () => {
  it("keeps integers and rounds floats to 4 significant digits", () => {
    expect(formatNumber(128)).toBe("128");
    expect(formatNumber(0.123456)).toBe("0.1235");
    expect(formatNumber(0.1)).toBe("0.1");
  });
  it("uses exponents for tiny and huge values", () => {
    expect(formatNumber(0.0001)).toBe("1e-4");
    expect(formatNumber(0.000123456)).toBe("1.235e-4");
    expect(formatNumber(12345678.9)).toBe("1.235e+7");
  });
});

describe("formatValue", () => {
  it("shows missing as a dash and non-finite summaries as symbols", () => {
    expect(formatValue(undefined)).toBe("—");
    expect(formatValue(null)).toBe("—");
    expect(formatValue("Infinity", true)).toBe("∞");
    expect(formatValue("Infinity", false)).toBe("Infinity");
    expect(formatValue([1, 2])).toBe("[1,2]");
    expect(formatValue(true)).toBe("true");
  });
  it("knows numeric cells", () => {
    expect(isNumeric(1)).toBe(true);
    expect(isNumeric("NaN", true)).toBe(true);
    expect(isNumeric("NaN")).toBe(false);
  });
});
