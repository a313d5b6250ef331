// A Markdown block as the server rendered it: HTML from cairn.reports.sanitize (the one sanitizer,
// an allowlist shared with the HTML export), so it is inserted as it comes.
import type { JSX } from "react";

export function MarkdownBlockView({ html }: { html: string }): JSX.Element {
  return <div className="rp-markdown" data-testid="markdown-view" dangerouslySetInnerHTML={{ __html: html }} />;
}
