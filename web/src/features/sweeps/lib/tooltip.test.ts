import { describe, expect, it } from "vitest";
import { pointTooltip } from "./tooltip";

const point = { t: 0, trial: 3, value: 0.25, best: 0.125 };

describe("pointTooltip", () => {
  it("shows the trial, the metric and its value", () => {
    expect(pointTooltip(point, "val/loss", false)).toMatch(/^trial 3<br\/>val\/loss: <b>0.25<\/b><br\/>/);
    expect(pointTooltip(point, "val/loss", true)).toMatch(/^best so far<br\/>val\/loss: <b>0.125<\/b>/);
  });
  it("escapes a metric name that holds markup", () => {
    const tip = pointTooltip(point, '<img src=x onerror="window.__xss=1">', false);
    expect(tip).toContain("&lt;img src=x onerror=&quot;window.__xss=1&quot;&gt;: <b>");
    expect(tip).not.toContain("<img");
  });
});
