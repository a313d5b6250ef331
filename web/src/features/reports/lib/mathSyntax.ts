// Math in the Markdown editor: `$…$` and `$$…$$` found by the rule the server renders with
// (cairn/reports/markdown.py), so what the editor marks as math is what the preview draws. A
// Lezer Markdown extension for CodeMirror's highlighting: a Math node with its MathMark delimiters.
import { Tag, tags } from "@lezer/highlight";
import type { MarkdownConfig } from "@lezer/markdown";

/** The highlighting tag of a formula (its delimiters are tags.processingInstruction). */
export const mathTag = Tag.define();

const DOLLAR = 36;
const SPACE = /\s/;
const DIGIT = /\d/;

/**
 * The formula opening at `start` in `src`, as the server reads it: where it ends (after its closing
 * delimiter) and whether it is display math; null when `start` opens none. An opening `$` is not
 * followed by a space, a closing one is not preceded by a space nor followed by a digit ("$5 and $6"
 * is text), `\$` is a dollar sign, and an empty formula is text.
 */
export function mathSpan(src: string, start = 0): { end: number; display: boolean } | null {
  if (src[start] !== "$") return null;
  const display = src.startsWith("$$", start);
  const mark = display ? "$$" : "$";
  const begin = start + mark.length;
  if (begin >= src.length || (!display && SPACE.test(src[begin] ?? ""))) return null;
  let end = begin;
  for (;;) {
    end = src.indexOf(mark, end);
    if (end < 0) return null;
    if (src[end - 1] === "\\" || (!display && (SPACE.test(src[end - 1] ?? "") || DIGIT.test(src[end + 1] ?? "")))) {
      end += 1;
      continue;
    }
    break;
  }
  if (src.slice(begin, end).trim() === "") return null;
  return { end: end + mark.length, display };
}

/** The Lezer Markdown extension: Math (with MathMark children) before escapes, as on the server. */
export const mathSyntax: MarkdownConfig = {
  defineNodes: [
    { name: "Math", style: mathTag },
    { name: "MathMark", style: tags.processingInstruction },
  ],
  parseInline: [
    {
      name: "Math",
      before: "Escape",
      parse(cx, next, pos) {
        if (next !== DOLLAR) return -1;
        const span = mathSpan(cx.slice(pos, cx.end));
        if (!span) return -1;
        const end = pos + span.end;
        const mark = span.display ? 2 : 1;
        return cx.addElement(cx.elt("Math", pos, end, [cx.elt("MathMark", pos, pos + mark), cx.elt("MathMark", end - mark, end)]));
      },
    },
  ],
};
