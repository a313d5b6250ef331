import { useEffect, useState } from "react";

interface NotesEditorProps {
  notes: string;
  saving: boolean;
  onSave: (notes: string) => void;
}

/** Free-text notes, saved when the field loses focus. */
export function NotesEditor({ notes, saving, onSave }: NotesEditorProps) {
  const [draft, setDraft] = useState(notes);
  useEffect(() => setDraft(notes), [notes]);
  return (
    <div className="notes-editor">
      <textarea
        className="notes-input"
        data-testid="run-notes"
        placeholder="Add notes about this run…"
        value={draft}
        rows={Math.min(8, Math.max(1, draft.split("\n").length))}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={() => draft !== notes && onSave(draft)}
      />
      {saving && <span className="muted small">Saving…</span>}
    </div>
  );
}
