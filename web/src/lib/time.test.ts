import { describe, expect, it } from "vitest";
import { duration, relativeTime } from "./time";

describe("relativeTime", () => {
  const now = 1_700_000_000_000;
  it("says just now, seconds, minutes, hours and days", () => {
    expect(relativeTime(now / 1000 - 2, now)).toBe("just now");
    expect(relativeTime(now / 1000 - 42, now)).toBe("42 s ago");
    expect(relativeTime(now / 1000 - 180, now)).toBe("3 min ago");
    expect(relativeTime(now / 1000 - 5 * 3600, now)).toBe("5 h ago");
    expect(relativeTime(now / 1000 - 2 * 86400, now)).toBe("2 d ago");
  });
  it("falls back to a date for old times", () => {
    expect(relativeTime(0, now)).toBe("1970-01-01");
  });
});

describe("duration", () => {
  it("formats short and long spans", () => {
    expect(duration(0.25)).toBe("250ms");
    expect(duration(42)).toBe("42s");
    expect(duration(185)).toBe("3m 05s");
    expect(duration(3720)).toBe("1h 02m");
    expect(duration(2 * 86400 + 3 * 3600)).toBe("2d 3h");
    expect(duration(-1)).toBe("—");
  });
});
