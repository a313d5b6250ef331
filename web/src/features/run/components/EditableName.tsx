import { useEffect, useState } from "react";

interface EditableNameProps {
  name: string;
  saving: boolean;
  onSave: (name: string) => void;
}

/** The run's name; click to edit, Enter (or leaving the field) saves, Escape cancels. */
export function EditableName({ name, saving, onSave }: EditableNameProps) {
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(name);
  useEffect(() => setDraft(name), [name]);

  const commit = () => {
    setEditing(false);
    const next = draft.trim();
    if (next && next !== name) onSave(next);
    else setDraft(name);
  };

  if (!editing) {
    return (
      <h1
        className="run-name editable"
        title="Click to rename"
        data-testid="run-name"
        tabIndex={0}
        onClick={() => setEditing(true)}
        onKeyDown={(e) => e.key === "Enter" && setEditing(true)}
      >
        {saving ? draft : name}
      </h1>
    );
  }
  return (
    <input
      className="run-name-input"
      data-testid="run-name-input"
      value={draft}
      autoFocus
      onFocus={(e) => e.currentTarget.select()}
      onChange={(e) => setDraft(e.target.value)}
      onBlur={commit}
      onKeyDown={(e) => {
        if (e.key === "Enter") e.currentTarget.blur();
        if (e.key === "Escape") {
          setDraft(name);
          setEditing(false);
        }
      }}
    />
  );
}
