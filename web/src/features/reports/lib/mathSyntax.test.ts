import { GFM, parser } from "@lezer/markdown";
import { describe, expect, it } from "vitest";
import cases from "./mathCases.json";
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

// mathCases.json is read by tests/reports/test_markdown.py too: the server finds the same formulas.
describe("mathSyntax", () => {
  it.each(cases)("marks the formulas of $text as the server reads them", ({ text, math }) => {
    expect(marked(text)).toEqual(math);
  });
});
