import { useState, type FormEvent } from "react";
import { useMutation } from "@tanstack/react-query";
import type { NewApiKey } from "./api";

interface NewKeyFormProps {
  /** makes the key on the server */
  create: (name: string) => Promise<NewApiKey>;
  /** the key was made: show it, this once */
  onMade: (key: NewApiKey) => Promise<void>;
  /** the submit button's label */
  label?: string;
}

/** A new API key's name (what it is for) and the button that makes it. */
export function NewKeyForm({ create, onMade, label = "New key" }: NewKeyFormProps) {
  const [name, setName] = useState("");
  const making = useMutation({
    mutationFn: create,
    onSuccess: async (key) => {
      setName("");
      await onMade(key);
    },
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    if (name.trim()) making.mutate(name.trim());
  }

  return (
    <form className="keys-new" onSubmit={submit} data-testid="key-new-form">
      <input
        className="input"
        value={name}
        maxLength={100}
        placeholder="What it is for, e.g. laptop or CI"
        aria-label="New key's name"
        onChange={(e) => setName(e.target.value)}
        data-testid="key-name"
      />
      <button type="submit" className="button button-primary" disabled={!name.trim() || making.isPending} data-testid="key-create">
        {making.isPending ? "Creating…" : label}
      </button>
      {making.isError && (
        <span className="error-text" role="alert" data-testid="key-error">
          {making.error.message}
        </span>
      )}
    </form>
  );
}
