// A BibTeX block in the editor: its entries as text beside the references they make, numbered as
// the report's Markdown cites them ([@key]); an entry the page cannot read is named there.
import type { JSX } from "react";
import type { TextBlock } from "../api";
import { BlockPreview } from "./BlockPreview";

interface BibtexEditorProps {
  project: string;
  text: string;
  label: string;
  report: TextBlock[];
  onChange: (text: string) => void;
}

const PLACEHOLDER = "@article{key,\n  title = {…},\n  author = {…},\n  year = {2024},\n}\n\nCite it in Markdown as [@key].";

export function BibtexEditor({ project, text, label, report, onChange }: BibtexEditorProps): JSX.Element {
  const rows = Math.min(20, Math.max(6, text.split("\n").length + 1));
  return (
    <div className="rp-md-editor">
      <textarea
        className="rp-bibtex-input mono"
        aria-label={label}
        data-testid="bibtex-input"
        spellCheck={false}
        rows={rows}
        value={text}
        placeholder={PLACEHOLDER}
        onChange={(e) => onChange(e.target.value)}
      />
      <BlockPreview project={project} block={{ kind: "bibtex", text }} report={report} />
    </div>
  );
}
