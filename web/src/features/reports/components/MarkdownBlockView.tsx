// A Markdown block as the server rendered it: HTML from cairn.reports.sanitize (the one sanitizer,
// an allowlist shared with the HTML export), so it is inserted as it comes; then its math spans are
// drawn with KaTeX.
import { useEffect, useRef, type JSX } from "react";
import { drawMath } from "../lib/math";

export function MarkdownBlockView({ html }: { html: string }): JSX.Element {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (ref.current) void drawMath(ref.current);
  }, [html]);
  return <div ref={ref} className="rp-markdown" data-testid="markdown-view" dangerouslySetInnerHTML={{ __html: html }} />;
}
