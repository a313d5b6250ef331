import { type JSX, type ReactNode, useEffect, useRef } from "react";

/** A modal over the page showing one enlarged item; closes on Escape, a click outside, or Close. */
export function Lightbox({ label, onClose, children }: { label: string; onClose: () => void; children: ReactNode }): JSX.Element {
  const close = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    close.current?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") {
        e.preventDefault();
        onClose();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => {
      window.removeEventListener("keydown", onKey);
      opener?.focus(); // back to the thumbnail that opened it
    };
  }, [onClose]);
  return (
    <div className="md-overlay" role="dialog" aria-modal="true" aria-label={label} data-testid="lightbox" onClick={onClose}>
      <div className="md-enlarged" onClick={(e) => e.stopPropagation()}>
        {children}
        <button type="button" className="button" ref={close} onClick={onClose} data-testid="lightbox-close">
          Close
        </button>
      </div>
    </div>
  );
}
