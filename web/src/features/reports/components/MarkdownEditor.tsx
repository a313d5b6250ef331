// A Markdown block in the editor: CodeMirror (loaded when the first block is edited) beside its
// preview, rendered by the server once the text has stopped changing for a moment.
import { type JSX, lazy, Suspense } from "react";
import type { TextBlock } from "../api";
import { BlockPreview } from "./BlockPreview";

const MarkdownCodeEditor = lazy(() => import("./MarkdownCodeEditor").then((m) => ({ default: m.MarkdownCodeEditor })));

interface MarkdownEditorProps {
  project: string;
  text: string;
  /** the accessible name of its text box */
  label: string;
  /** the report's Markdown and BibTeX blocks, so the preview numbers citations as the page does */
  report: TextBlock[];
  onChange: (text: string) => void;
}

export function MarkdownEditor({ project, text, label, report, onChange }: MarkdownEditorProps): JSX.Element {
  return (
    <div className="rp-md-editor">
      <Suspense fallback={<div className="rp-code-loading muted">Loading the editor…</div>}>
        <MarkdownCodeEditor text={text} label={label} onChange={onChange} />
      </Suspense>
      <BlockPreview project={project} block={{ kind: "markdown", text }} report={report} />
    </div>
  );
}
