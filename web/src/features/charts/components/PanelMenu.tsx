// The "⋯" menu of a panel: edit its keys, remove it.
import { type JSX, useCallback, useRef, useState } from "react";
import { useDismiss } from "./usePopover";

export interface PanelMenuProps {
  onEditKeys: () => void;
  onRemove: () => void;
}

export function PanelMenu({ onEditKeys, onRemove }: PanelMenuProps): JSX.Element {
  const ref = useRef<HTMLDivElement>(null);
  const [open, setOpen] = useState(false);
  const close = useCallback(() => setOpen(false), []);
  useDismiss(ref, open, close);
  return (
    <div className="cc-menu" ref={ref}>
      <button
        type="button"
        className="cc-icon-button"
        aria-label="Panel menu"
        aria-haspopup="menu"
        aria-expanded={open}
        data-testid="panel-menu"
        onClick={() => setOpen((o) => !o)}
      >
        ⋯
      </button>
      {open && (
        <div className="cc-popover cc-menu-list" role="menu">
          <button
            type="button"
            role="menuitem"
            onClick={() => {
              setOpen(false);
              onEditKeys();
            }}
          >
            Edit metrics…
          </button>
          <button
            type="button"
            role="menuitem"
            className="cc-danger"
            onClick={() => {
              setOpen(false);
              onRemove();
            }}
          >
            Remove panel
          </button>
        </div>
      )}
    </div>
  );
}
