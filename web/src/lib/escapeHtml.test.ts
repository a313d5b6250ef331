import { describe, expect, it } from "vitest";
import { SafeHtml, escapeHtml, html, joinHtml } from "./escapeHtml";

const PAYLOADS = [
  '<img src=x onerror="window.__xss=1">',
  '"><svg onload=window.__xss=1>',
  "</script><script>window.__xss=1</script>",
  "' onmouseover='alert(1)",
];

describe("escapeHtml", () => {
  it("replaces every character that can open a tag or leave an attribute", () => {
    expect(escapeHtml(`a & b < c > d " e ' f`)).toBe("a &amp; b &lt; c &gt; d &quot; e &#39; f");
  });
  it("leaves no < > or quote of a payload", () => {
    for (const payload of PAYLOADS) expect(escapeHtml(payload)).not.toMatch(/[<>"']/);
  });
  it("escapes an ampersand once, so entities in the text show as typed", () => {
    expect(escapeHtml("&lt;b&gt;")).toBe("&amp;lt;b&amp;gt;");
  });
  it("keeps other text, unicode included", () => {
    expect(escapeHtml("val/loss ≈ 0.3 · 学习率")).toBe("val/loss ≈ 0.3 · 学习率");
  });
});

describe("html", () => {
  it("escapes the values and keeps the template's markup", () => {
    const name = PAYLOADS[0] ?? "";
    expect(html`<b>${name}</b>: ${3}`.markup).toBe("<b>&lt;img src=x onerror=&quot;window.__xss=1&quot;&gt;</b>: 3");
  });
  it("puts SafeHtml and arrays of it in as they are", () => {
    const row = html`<i>${"<x>"}</i>`;
    expect(html`${row}|${[row, row]}`.markup).toBe("<i>&lt;x&gt;</i>|<i>&lt;x&gt;</i><i>&lt;x&gt;</i>");
  });
  it("joins parts with a trusted separator", () => {
    const parts = ["<a>", "b"].map((t) => html`${t}`);
    expect(joinHtml(parts, html`<br/>`).markup).toBe("&lt;a&gt;<br/>b");
  });
  it("is a string where one is wanted", () => {
    expect(`${html`<b>${"&"}</b>`}`).toBe("<b>&amp;</b>");
    expect(new SafeHtml("<br/>").toString()).toBe("<br/>");
  });
});
