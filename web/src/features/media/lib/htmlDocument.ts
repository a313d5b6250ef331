// A logged `cairn.Html` as a document of its own, for an <iframe sandbox srcdoc>: the sandbox (no
// allow-* at all) stops scripts, forms, popups and navigation of the dashboard, and the policy
// below stops every fetch (images, fonts, stylesheets) but inline styles and data: images, so
// logged HTML can neither restyle the dashboard nor send anything anywhere.

/** The policy of the logged document; the dashboard's own page policy applies as well. */
export const HTML_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

/** The attribute value of <iframe sandbox>: empty, so every restriction applies. */
export const HTML_SANDBOX = "";

const THEMES = {
  light: { text: "#1f2328", background: "#ffffff", link: "#2f6fdb" },
  dark: { text: "#e6e8eb", background: "#16191e", link: "#7aa2f7" },
} as const;

export type HtmlTheme = keyof typeof THEMES;

/**
 * The srcdoc of a logged HTML fragment (or whole document): the policy first, so it governs all
 * that follows, then the dashboard's font and colours, which the fragment's own styles may
 * override inside its frame.
 */
export function htmlDocument(body: string, theme: HtmlTheme): string {
  const colors = THEMES[theme];
  return (
    "<!doctype html><html><head>" +
    '<meta charset="utf-8">' +
    `<meta http-equiv="Content-Security-Policy" content="${HTML_POLICY}">` +
    `<style>:root{color-scheme:${theme}}body{margin:8px;font:13px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;` +
    `color:${colors.text};background:${colors.background}}a{color:${colors.link}}</style>` +
    `</head><body>${body}</body></html>`
  );
}

/** The theme of the dashboard (`<html data-theme>`) as one an HTML frame can take. */
export function htmlTheme(documentTheme: string): HtmlTheme {
  return documentTheme === "dark" ? "dark" : "light";
}
