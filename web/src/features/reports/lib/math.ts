// Math in a rendered Markdown block: the server wraps each formula, as written, in
// <span class="math-inline">$…$</span> or <span class="math-display">$$…$$</span>; here KaTeX
// draws those spans in place. KaTeX (and its CSS and fonts) loads only when a page has math.

export const MATH_SELECTOR = "span.math-inline, span.math-display";

/** The TeX inside a math span's text: its `$` or `$$` delimiters taken off. */
export function texOf(text: string, display: boolean): string {
  const mark = display ? "$$" : "$";
  if (text.length >= 2 * mark.length && text.startsWith(mark) && text.endsWith(mark)) {
    return text.slice(mark.length, text.length - mark.length);
  }
  return text;
}

/** Draws every math span under `root` with KaTeX; resolves at once when there is none. */
export async function drawMath(root: HTMLElement): Promise<void> {
  const spans = Array.from(root.querySelectorAll<HTMLElement>(MATH_SELECTOR));
  if (spans.length === 0) return;
  const { drawFormula } = await import("./katex");
  for (const span of spans) {
    if (span.isConnected) drawFormula(span, texOf(span.textContent ?? "", span.classList.contains("math-display")));
  }
}
