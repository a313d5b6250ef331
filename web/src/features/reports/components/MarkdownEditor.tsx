// A Markdown block in the editor: CodeMirror (loaded when the first block is edited) beside its
// preview, rendered by the server once the text has stopped changing for a moment.
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { type JSX, lazy, Suspense } from "react";
import { useDebounced } from "../../../lib/useDebounced";
import { reportsApi } from "../api";
import { MarkdownBlockView } from "./MarkdownBlockView";

const MarkdownCodeEditor = lazy(() => import("./MarkdownCodeEditor").then((m) => ({ default: m.MarkdownCodeEditor })));

export const PREVIEW_DELAY_MS = 250;

interface MarkdownEditorProps {
  project: string;
  text: string;
  /** the accessible name of its text box */
  label: string;
  onChange: (text: string) => void;
}

export function MarkdownEditor({ project, text, label, onChange }: MarkdownEditorProps): JSX.Element {
  const settled = useDebounced(text, PREVIEW_DELAY_MS);
  const preview = useQuery({
    queryKey: ["report-markdown", project, settled],
    queryFn: () => reportsApi.markdown(project, settled),
    placeholderData: keepPreviousData,
    staleTime: Infinity,
  });
  return (
    <div className="rp-md-editor">
      <Suspense fallback={<div className="rp-code-loading muted">Loading the editor…</div>}>
        <MarkdownCodeEditor text={text} label={label} onChange={onChange} />
      </Suspense>
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
