import { useState } from "react";
import { TagChips } from "../../../components/TagChips";

interface TagEditorProps {
  tags: string[];
  onChange: (tags: string[]) => void;
}

/** Tag chips with × to remove and "+ tag" to add (Enter adds, Escape closes). */
export function TagEditor({ tags, onChange }: TagEditorProps) {
  const [adding, setAdding] = useState(false);
  const [draft, setDraft] = useState("");

  const add = () => {
    const tag = draft.trim();
    if (tag && !tags.includes(tag)) onChange([...tags, tag]);
    setDraft("");
  };

  return (
    <div className="tag-editor" data-testid="tag-editor">
      <TagChips tags={tags} onRemove={(tag) => onChange(tags.filter((t) => t !== tag))} />
      {adding ? (
        <input
          className="tag-input"
          data-testid="tag-input"
          value={draft}
          autoFocus
          placeholder="tag"
          onChange={(e) => setDraft(e.target.value)}
          onBlur={() => {
            add();
            setAdding(false);
          }}
          onKeyDown={(e) => {
            if (e.key === "Enter") add();
            if (e.key === "Escape") {
              setDraft("");
              setAdding(false);
            }
          }}
        />
      ) : (
        <button type="button" className="tag-add" data-testid="tag-add" onClick={() => setAdding(true)}>
          + tag
        </button>
      )}
    </div>
  );
}
