// A text block's preview in the editor: rendered by the server (sanitized, citations numbered from
// the report's other text blocks) once the text has stopped changing for a moment.
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { JSX } from "react";
import { useDebounced } from "../../../lib/useDebounced";
import { reportsApi, type TextBlock } from "../api";
import { MarkdownBlockView } from "./MarkdownBlockView";

export const PREVIEW_DELAY_MS = 250;

interface BlockPreviewProps {
  project: string;
  block: TextBlock;
  /** the report's Markdown and BibTeX blocks, in order (this one among them) */
  report: TextBlock[];
}

export function BlockPreview({ project, block, report }: BlockPreviewProps): JSX.Element {
  const settled = useDebounced(JSON.stringify([block, report]), PREVIEW_DELAY_MS);
  const preview = useQuery({
    queryKey: ["report-markdown", project, settled],
    queryFn: () => {
      const [shown, context] = JSON.parse(settled) as [TextBlock, TextBlock[]];
      return reportsApi.markdown(project, shown.text, shown.kind, context);
    },
    placeholderData: keepPreviousData,
    staleTime: Infinity,
  });
  return (
    <div className="rp-preview" data-testid={`${block.kind}-preview`}>
      {preview.isError ? (
        <span className="error-text">{preview.error.message}</span>
      ) : preview.data ? (
        <MarkdownBlockView html={preview.data.html} />
      ) : (
        <span className="muted">Rendering…</span>
      )}
    </div>
  );
}
