// KaTeX and its stylesheet (fonts bundled by Vite), imported lazily by ./math.
import katex from "katex";
import "katex/dist/katex.min.css";

/** Replaces `el`'s content with `tex` drawn by KaTeX: no \href, \url or \includegraphics
 * (trust: false), no box larger than 20em (maxSize: a huge \rule cannot cover the page), a bounded
 * macro expansion, and an error shown in place rather than thrown. */
export function drawFormula(el: HTMLElement, tex: string): void {
  katex.render(tex, el, {
    displayMode: el.classList.contains("math-display"),
    throwOnError: false,
    trust: false,
    strict: "ignore",
    maxSize: 20,
    maxExpand: 500,
  });
}
