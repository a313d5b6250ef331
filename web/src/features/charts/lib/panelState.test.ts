import { describe, expect, it } from "vitest";
import { panelState } from "./panelState";

describe("panelState", () => {
  it("waits until seen, then reports error, loading, empty or ready", () => {
    expect(panelState(false, { isError: true, data: [] }, 3)).toBe("idle");
    expect(panelState(true, { isError: true, data: undefined }, 0)).toBe("error");
    expect(panelState(true, { isError: false, data: undefined }, 0)).toBe("loading");
    expect(panelState(true, { isError: false, data: [] }, 0)).toBe("empty");
    expect(panelState(true, { isError: false, data: [] }, 2)).toBe("ready");
  });
});
