import { GFM, parser } from "@lezer/markdown";
import { describe, expect, it } from "vitest";
import { mathSpan, mathSyntax } from "./mathSyntax";

/** The formulas the editor marks in `text`, as written. */
function marked(text: string): string[] {
  const found: string[] = [];
  parser
    .configure([GFM, mathSyntax])
    .parse(text)
    .iterate({
      enter: (node) => {
        if (node.name === "Math") found.push(text.slice(node.from, node.to));
      },
    });
  return found;
}

// Each case below reads as the server's render_markdown reads it (compared when written).
describe("mathSpan", () => {
  it("finds inline and display math", () => {
    expect(mathSpan("$x^2$ and more")).toEqual({ end: 5, display: false });
    expect(mathSpan("$$\\frac{1}{2}$$")).toEqual({ end: 15, display: true });
  });
  it("leaves prices, spaces, escaped and empty dollars as text", () => {
    expect(mathSpan("$5 and $6")).toBeNull();
    expect(mathSpan("$ x$")).toBeNull();
    expect(mathSpan("$x $")).toBeNull();
    expect(mathSpan("$$  $$")).toBeNull();
    expect(mathSpan("$x")).toBeNull();
    expect(mathSpan("a $x$", 0)).toBeNull();
  });
  it("reads past an escaped dollar and a closing one followed by a digit", () => {
    expect(mathSpan("$a\\$b$")).toEqual({ end: 6, display: false });
    expect(mathSpan("$a$1 b$")).toEqual({ end: 7, display: false });
  });
});

describe("mathSyntax", () => {
  it("marks the formulas of a Markdown text, not those in code or after a backslash", () => {
    const text = "Euler: $e^{i\\pi}+1=0$, **$a$**, `$code$`, \\$5, $5 and $6.\n\n$$\\int_0^1 x\\,dx$$";
    expect(marked(text)).toEqual(["$e^{i\\pi}+1=0$", "$a$", "$$\\int_0^1 x\\,dx$$"]);
  });
  it("keeps emphasis and links outside math", () => {
    expect(marked("*$a*b$*")).toEqual(["$a*b$"]);
  });
});
