import { describe, expect, it } from "vitest";
import { formatCompact, formatDuration, formatDurationTick, formatTick, formatValue } from "./format";

describe("formatCompact", () => {
  it("uses k, M, B suffixes", () => {
    expect(formatCompact(1200)).toBe("1.2k");
    expect(formatCompact(1_500_000)).toBe("1.5M");
    expect(formatCompact(2_340_000_000)).toBe("2.34B");
    expect(formatCompact(-45_600)).toBe("-45.6k");
  });

  it("moves to the next suffix when rounding reaches 1000", () => {
    expect(formatCompact(999_950)).toBe("1M");
    expect(formatCompact(999.95)).toBe("1k");
  });

  it("writes tiny and huge values as exponents", () => {
    expect(formatCompact(0.0003)).toBe("3e-4");
    expect(formatCompact(0.000312)).toBe("3.12e-4");
    expect(formatCompact(2e18)).toBe("2e18");
  });

  it("keeps plain numbers plain", () => {
    expect(formatCompact(0)).toBe("0");
    expect(formatCompact(0.5)).toBe("0.5");
    expect(formatCompact(12.345)).toBe("12.3");
    expect(formatCompact(0.001)).toBe("0.001");
  });

  it("names non-finite values", () => {
    expect(formatCompact(Number.NaN)).toBe("NaN");
    expect(formatCompact(Number.POSITIVE_INFINITY)).toBe("+Inf");
    expect(formatCompact(Number.NEGATIVE_INFINITY)).toBe("-Inf");
  });
});

describe("formatValue", () => {
  it("keeps four significant digits", () => {
    expect(formatValue(0.123456)).toBe("0.1235");
    expect(formatValue(1234.5)).toBe("1235");
    expect(formatValue(12_345)).toBe("12.35k");
    expect(formatValue(0.000123456)).toBe("1.235e-4");
    expect(formatValue(2)).toBe("2");
  });
});

describe("formatTick", () => {
  it("shows as many decimals as the spacing needs", () => {
    expect([0, 0.25, 0.5, 0.75].map((v) => formatTick(v, 0.25))).toEqual(["0", "0.25", "0.5", "0.75"]);
    expect([1.0001, 1.0002].map((v) => formatTick(v, 0.0001))).toEqual(["1.0001", "1.0002"]);
  });

  it("compacts thousands without losing the difference between ticks", () => {
    expect([0, 500, 1000, 1500].map((v) => formatTick(v, 500))).toEqual(["0", "500", "1k", "1.5k"]);
    expect([10_000, 20_000].map((v) => formatTick(v, 10_000))).toEqual(["10k", "20k"]);
    expect([1_000_000, 1_250_000].map((v) => formatTick(v, 250_000))).toEqual(["1M", "1.25M"]);
  });

  it("writes small ticks as exponents", () => {
    expect(formatTick(0.0003, 0.0001)).toBe("3e-4");
    expect(formatTick(0.00025, 0.00005)).toBe("2.5e-4");
  });
});

describe("durations", () => {
  it("formats tooltip durations", () => {
    expect(formatDuration(42.5)).toBe("42.5s");
    expect(formatDuration(723)).toBe("12m 03s");
    expect(formatDuration(3 * 3600 + 7 * 60)).toBe("3h 07m");
    expect(formatDuration(2 * 86400 + 4 * 3600)).toBe("2d 4h");
  });

  it("formats axis ticks in the unit of the spacing", () => {
    expect(formatDurationTick(30, 10, 60)).toBe("30s");
    expect(formatDurationTick(300, 60, 600)).toBe("5m");
    expect(formatDurationTick(5400, 1800, 10800)).toBe("1.5h");
    expect(formatDurationTick(5400, 1800, 5400)).toBe("90m");
    expect(formatDurationTick(0, 60, 600)).toBe("0");
  });
});
