import { describe, expect, it } from "vitest";
import { Echoes, MAX_IN_FLIGHT } from "./echoes";

describe("Echoes", () => {
  it("knows the texts the editor sent, in order", () => {
    const echoes = new Echoes();
    echoes.sent("a");
    echoes.sent("ab");
    expect(echoes.isEcho("a")).toBe(true);
    expect(echoes.isEcho("ab")).toBe(true);
    expect(echoes.isEcho("ab")).toBe(false); // answered once: now it would come from outside
  });

  it("skips the renders React merged", () => {
    const echoes = new Echoes();
    for (const text of ["a", "ab", "abc"]) echoes.sent(text);
    expect(echoes.isEcho("abc")).toBe(true);
    expect(echoes.isEcho("a")).toBe(false); // older than the last echo: an outside change
  });

  it("does not take a late echo of an older text for an outside change", () => {
    const echoes = new Echoes();
    for (const text of ["a", "ab", "a"]) echoes.sent(text); // typed, then backspace
    expect(echoes.isEcho("a")).toBe(true);
    expect(echoes.isEcho("ab")).toBe(true);
    expect(echoes.isEcho("a")).toBe(true);
  });

  it("calls a text it never sent an outside change and forgets what was pending", () => {
    const echoes = new Echoes();
    echoes.sent("draft");
    expect(echoes.isEcho("from undo")).toBe(false);
    expect(echoes.isEcho("draft")).toBe(false);
  });

  it("keeps a bounded number of texts", () => {
    const filled = () => {
      const echoes = new Echoes();
      for (let i = 0; i <= MAX_IN_FLIGHT; i++) echoes.sent(String(i));
      return echoes;
    };
    expect(filled().isEcho("0")).toBe(false); // the oldest, forgotten
    expect(filled().isEcho("1")).toBe(true);
  });
});
