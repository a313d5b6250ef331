import { afterEach, describe, expect, it, vi } from "vitest";
import { getHoveredRun, setHoveredRun, subscribeHoveredRun } from "./hoveredRun";

describe("hoveredRun", () => {
  afterEach(() => setHoveredRun(null));

  it("tells subscribers when the hovered run changes, not when it stays", () => {
    const listener = vi.fn();
    const stop = subscribeHoveredRun(listener);
    setHoveredRun("a");
    setHoveredRun("a");
    expect(getHoveredRun()).toBe("a");
    expect(listener).toHaveBeenCalledTimes(1);
    setHoveredRun(null);
    expect(listener).toHaveBeenCalledTimes(2);
    stop();
    setHoveredRun("b");
    expect(listener).toHaveBeenCalledTimes(2);
  });
});
