interface TagChipsProps {
  tags: string[];
  onRemove?: (tag: string) => void;
}

export function TagChips({ tags, onRemove }: TagChipsProps) {
  return (
    <span className="tag-chips">
      {tags.map((tag) => (
        <span key={tag} className="tag-chip" data-testid="tag-chip" title={tag}>
          {tag}
          {onRemove && (
            <button
              type="button"
              className="tag-remove"
              aria-label={`Remove tag ${tag}`}
              onClick={() => onRemove(tag)}
            >
              ×
            </button>
          )}
        </span>
      ))}
    </span>
  );
}
