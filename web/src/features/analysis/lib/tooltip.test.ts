import { describe, expect, it } from "vitest";
import type { AxisSpec } from "./axes";
import { runTooltip } from "./tooltip";

const IMG = '<img src=x onerror="window.__xss=1">';
const axes: AxisSpec[] = [
  { key: IMG, source: "config", kind: "category", categories: [] },
  { key: "val/loss", source: "summary", kind: "value", categories: [] },
];

describe("runTooltip", () => {
  it("lists the run and its value on every axis", () => {
    const run = { id: "a", name: "brisk-heron-1", config: { [IMG]: "sgd" }, summary: { "val/loss": 0.5 } };
    expect(runTooltip(run, axes)).toBe(
      "<b>brisk-heron-1</b><br/>&lt;img src=x onerror=&quot;window.__xss=1&quot;&gt;: <b>sgd</b><br/>val/loss: <b>0.5000</b>",
    );
  });
  it("escapes the run name, config keys and values", () => {
    const run = { id: "a", name: IMG, config: { [IMG]: "</script><script>x()</script>" }, summary: {} };
    const tip = runTooltip(run, axes);
    expect(tip).not.toMatch(/<(img|script|\/script)/);
    expect(tip).toContain("&lt;/script&gt;&lt;script&gt;x()&lt;/script&gt;");
  });
});
