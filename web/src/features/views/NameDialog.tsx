// A modal asking for a saved view's name ("Save as", "Rename"); Escape or the backdrop cancels.
import { type FormEvent, type JSX, useEffect, useRef, useState } from "react";

interface NameDialogProps {
  title: string;
  initial: string;
  submitLabel: string;
  /** the server's answer to the last try (a taken name, say); null: none */
  error: string | null;
  busy: boolean;
  onSubmit: (name: string) => void;
  onCancel: () => void;
}

export function NameDialog(props: NameDialogProps): JSX.Element {
  const ref = useRef<HTMLDialogElement>(null);
  const [name, setName] = useState(props.initial);
  const { onCancel } = props;

  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    dialog?.addEventListener("cancel", onCancel);
    return () => dialog?.removeEventListener("cancel", onCancel);
  }, [onCancel]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (name.trim()) props.onSubmit(name.trim());
  };

  return (
    <dialog ref={ref} className="dialog" data-testid="view-name-dialog" onClick={(e) => e.target === ref.current && onCancel()}>
      <form onSubmit={submit}>
        <h3>{props.title}</h3>
        <label className="view-name-field">
          Name
          <input
            className="input"
            value={name}
            maxLength={100}
            autoFocus
            onChange={(e) => setName(e.target.value)}
            data-testid="view-name-input"
          />
        </label>
        {props.error && (
          <p className="cc-error" role="alert" data-testid="view-error">
            {props.error}
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" className="button" onClick={onCancel}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={props.busy || !name.trim()} data-testid="view-name-submit">
            {props.submitLabel}
          </button>
        </div>
      </form>
    </dialog>
  );
}
