import { describe, expect, it } from "vitest";
import { HTML_POLICY, HTML_SANDBOX, htmlDocument, htmlTheme } from "./htmlDocument";

describe("htmlDocument", () => {
  it("puts the policy before anything logged", () => {
    const doc = htmlDocument('<meta http-equiv="Content-Security-Policy" content="default-src *"><b>hi</b>', "light");
    const policy = doc.indexOf(`content="${HTML_POLICY}"`);
    expect(policy).toBeGreaterThan(0);
    expect(policy).toBeLessThan(doc.indexOf("default-src *"));
    expect(doc).toContain("<body><meta");
    expect(doc.endsWith("<b>hi</b></body></html>")).toBe(true);
  });
  it("allows no fetch but data: images, and no script at all", () => {
    expect(HTML_POLICY).toContain("default-src 'none'");
    expect(HTML_POLICY).toContain("img-src data:");
    expect(HTML_POLICY).not.toMatch(/script-src|https?:|\*/);
    expect(HTML_SANDBOX).toBe("");
  });
  it("takes the dashboard's colours", () => {
    expect(htmlDocument("", "dark")).toContain("color-scheme:dark");
    expect(htmlDocument("", "light")).toContain("color:#1f2328");
    expect(htmlTheme("dark")).toBe("dark");
    expect(htmlTheme("anything")).toBe("light");
  });
});
