// A Markdown block in the editor: a textarea beside its preview, rendered by the server once the
// text has stopped changing for a moment.
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { JSX } from "react";
import { useDebounced } from "../../../lib/useDebounced";
import { reportsApi } from "../api";
import { MarkdownBlockView } from "./MarkdownBlockView";

export const PREVIEW_DELAY_MS = 250;

interface MarkdownEditorProps {
  project: string;
  text: string;
  onChange: (text: string) => void;
}

export function MarkdownEditor({ project, text, onChange }: MarkdownEditorProps): JSX.Element {
  const settled = useDebounced(text, PREVIEW_DELAY_MS);
  const preview = useQuery({
    queryKey: ["report-markdown", project, settled],
    queryFn: () => reportsApi.markdown(project, settled),
    placeholderData: keepPreviousData,
    staleTime: Infinity,
  });
  const rows = Math.min(24, Math.max(4, text.split("\n").length + 1));
  return (
    <div className="rp-md-editor">
      <textarea
        className="rp-textarea mono"
        data-testid="markdown-input"
        value={text}
        rows={rows}
        spellCheck
        placeholder="Markdown: # headings, **bold**, lists, | tables |, `code`…"
        onChange={(e) => onChange(e.target.value)}
      />
      <div className="rp-preview" data-testid="markdown-preview">
        {preview.isError ? (
          <span className="error-text">{preview.error.message}</span>
        ) : preview.data ? (
          <MarkdownBlockView html={preview.data.html} />
        ) : (
          <span className="muted">Rendering…</span>
        )}
      </div>
    </div>
  );
}
