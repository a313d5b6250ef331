import { useEffect, useRef } from "react";

interface ConfirmDialogProps {
  title: string;
  message: string;
  confirmLabel: string;
  /** the label of the button that backs out; "Cancel" unless that would be ambiguous */
  cancelLabel?: string;
  danger?: boolean;
  busy?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}

/** A modal question; Escape or the backdrop cancels. */
export function ConfirmDialog(props: ConfirmDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const { onCancel } = props;

  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    const onClose = () => onCancel();
    dialog?.addEventListener("cancel", onClose);
    return () => dialog?.removeEventListener("cancel", onClose);
  }, [onCancel]);

  return (
    <dialog
      ref={ref}
      className="dialog"
      data-testid="confirm-dialog"
      onClick={(e) => e.target === ref.current && onCancel()}
    >
      <h3>{props.title}</h3>
      <p>{props.message}</p>
      <div className="dialog-actions">
        <button type="button" className="button" onClick={onCancel}>
          {props.cancelLabel ?? "Cancel"}
        </button>
        <button
          type="button"
          className={props.danger ? "button button-danger" : "button button-primary"}
          onClick={props.onConfirm}
          disabled={props.busy}
          data-testid="confirm-button"
          autoFocus
        >
          {props.confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
