import { describe, expect, it } from "vitest";
import { applySgr, parseAnsi, stripAnsi } from "./ansi";

describe("parseAnsi", () => {
  it("keeps plain text as one unstyled span", () => {
    expect(parseAnsi("hello")).toEqual([{ text: "hello", style: {} }]);
  });

  it("colours and resets", () => {
    const spans = parseAnsi("a \x1b[32mgreen\x1b[0m b");
    expect(spans.map((s) => s.text)).toEqual(["a ", "green", " b"]);
    expect(spans[1]?.style.fg).toBeDefined();
    expect(spans[2]?.style).toEqual({});
  });

  it("combines bold, bright, background, 256 and truecolor", () => {
    const style = parseAnsi("\x1b[1;91;44mX")[0]?.style;
    expect(style?.bold).toBe(true);
    expect(style?.fg).toBeDefined();
    expect(style?.bg).toBeDefined();
    expect(parseAnsi("\x1b[38;5;196mr")[0]?.style.fg).toBe("rgb(255, 0, 0)");
    expect(parseAnsi("\x1b[48;2;1;2;3mt")[0]?.style.bg).toBe("rgb(1, 2, 3)");
  });

  it("drops non-SGR sequences and empty params mean reset", () => {
    expect(parseAnsi("\x1b[2Kdone").map((s) => s.text)).toEqual(["done"]);
    expect(parseAnsi("\x1b[1mB\x1b[mN")[1]?.style).toEqual({});
  });

  it("carries a style in and turns attributes off", () => {
    expect(parseAnsi("x", { bold: true })[0]?.style.bold).toBe(true);
    expect(applySgr({ bold: true, fg: "red" }, [22, 39])).toEqual({});
  });

  it("strips escapes", () => {
    expect(stripAnsi("\x1b[31mred\x1b[0m!")).toBe("red!");
  });
});
