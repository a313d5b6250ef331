// Text into HTML. React and `textContent` never parse text as markup; this module is for the few
// places that must hand a library an HTML string (ECharts' HTML tooltips): every string that came
// from the store goes through `escapeHtml`, most simply by building the markup with `html`.

const ENTITIES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** `text` with `& < > " '` replaced by entities: safe between tags and inside a quoted attribute. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

/** Markup built by `html`: its text parts are escaped, so it may go into another `html` as is. */
export class SafeHtml {
  constructor(readonly markup: string) {}

  toString(): string {
    return this.markup;
  }
}

export type HtmlValue = SafeHtml | string | number | readonly SafeHtml[];

function render(value: HtmlValue): string {
  if (value instanceof SafeHtml) return value.markup;
  if (Array.isArray(value)) return value.map((v: SafeHtml) => v.markup).join("");
  return escapeHtml(String(value));
}

/**
 * A template of trusted markup with escaped values: html`<b>${name}</b>` escapes `name`. Values
 * that are already `SafeHtml` (or arrays of them) go in as they are.
 */
export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): SafeHtml {
  let markup = strings[0] ?? "";
  values.forEach((value, i) => {
    markup += render(value) + (strings[i + 1] ?? "");
  });
  return new SafeHtml(markup);
}

/** `parts` joined by `separator` (trusted markup, such as "<br/>"). */
export function joinHtml(parts: readonly SafeHtml[], separator: SafeHtml): SafeHtml {
  return new SafeHtml(parts.map((p) => p.markup).join(separator.markup));
}
