// A tiny ANSI SGR parser: splits a console line into spans with colour and weight. Other escape
// sequences (cursor moves, erase) are dropped.

export interface AnsiStyle {
  fg?: string;
  bg?: string;
  bold?: boolean;
  dim?: boolean;
  italic?: boolean;
  underline?: boolean;
}

export interface AnsiSpan {
  text: string;
  style: AnsiStyle;
}

const BASIC = ["#1e1e1e", "#d9534f", "#3fa34d", "#c9a227", "#3b7dd8", "#b452cd", "#1fa2b0", "#d0d0d0"];
const BRIGHT = ["#6b6b6b", "#ff6b6b", "#5fd36f", "#f0d050", "#6aa5ff", "#e08cf5", "#4fd6e4", "#ffffff"];

function color256(n: number): string | undefined {
  if (n < 0 || n > 255) return undefined;
  if (n < 8) return BASIC[n];
  if (n < 16) return BRIGHT[n - 8];
  if (n < 232) {
    const i = n - 16;
    const level = (v: number) => (v === 0 ? 0 : 55 + v * 40);
    return `rgb(${level(Math.floor(i / 36))}, ${level(Math.floor(i / 6) % 6)}, ${level(i % 6)})`;
  }
  const g = 8 + (n - 232) * 10;
  return `rgb(${g}, ${g}, ${g})`;
}

/** Apply one SGR parameter list (the numbers between `ESC[` and `m`) to a style. */
export function applySgr(style: AnsiStyle, params: number[]): AnsiStyle {
  const next: AnsiStyle = { ...style };
  const codes = params.length ? params : [0];
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i] ?? 0;
    if (c === 0) {
      for (const k of Object.keys(next)) delete next[k as keyof AnsiStyle];
    } else if (c === 1) next.bold = true;
    else if (c === 2) next.dim = true;
    else if (c === 3) next.italic = true;
    else if (c === 4) next.underline = true;
    else if (c === 22) {
      delete next.bold;
      delete next.dim;
    } else if (c === 23) delete next.italic;
    else if (c === 24) delete next.underline;
    else if (c >= 30 && c <= 37) next.fg = BASIC[c - 30];
    else if (c === 39) delete next.fg;
    else if (c >= 40 && c <= 47) next.bg = BASIC[c - 40];
    else if (c === 49) delete next.bg;
    else if (c >= 90 && c <= 97) next.fg = BRIGHT[c - 90];
    else if (c >= 100 && c <= 107) next.bg = BRIGHT[c - 100];
    else if (c === 38 || c === 48) {
      const key = c === 38 ? "fg" : "bg";
      if (codes[i + 1] === 5 && i + 2 < codes.length) {
        const value = color256(codes[i + 2] ?? -1);
        if (value) next[key] = value;
        i += 2;
      } else if (codes[i + 1] === 2 && i + 4 < codes.length) {
        next[key] = `rgb(${codes[i + 2]}, ${codes[i + 3]}, ${codes[i + 4]})`;
        i += 4;
      }
    }
  }
  return next;
}

// eslint-disable-next-line no-control-regex
const ESCAPE = /\x1b\[([0-9;]*)([A-Za-z])/g;

/** The spans of `text`, starting from `style` (to carry colour across lines). */
export function parseAnsi(text: string, style: AnsiStyle = {}): AnsiSpan[] {
  const spans: AnsiSpan[] = [];
  let current = style;
  let last = 0;
  for (const match of text.matchAll(ESCAPE)) {
    const index = match.index ?? 0;
    if (index > last) spans.push({ text: text.slice(last, index), style: current });
    if (match[2] === "m") {
      const raw = match[1] ?? "";
      const params = raw === "" ? [] : raw.split(";").map((p) => (p === "" ? 0 : Number(p)));
      current = applySgr(current, params);
    }
    last = index + match[0].length;
  }
  if (last < text.length) spans.push({ text: text.slice(last), style: current });
  return spans;
}

/** The text without escape sequences (for search and download). */
export function stripAnsi(text: string): string {
  return text.replace(ESCAPE, "");
}
