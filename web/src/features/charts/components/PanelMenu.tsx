// The "⋯" menu of a panel: its actions (edit, settings, move left/right, remove), given by the panel.
import { type JSX, useCallback, useRef, useState } from "react";
import { useDismiss } from "./usePopover";

export interface PanelMenuItem {
  label: string;
  onSelect: () => void;
  danger?: boolean;
  disabled?: boolean;
}

export interface PanelMenuProps {
  items: readonly PanelMenuItem[];
}

export function PanelMenu({ items }: PanelMenuProps): JSX.Element {
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
          {items.map((item) => (
            <button
              key={item.label}
              type="button"
              role="menuitem"
              className={item.danger ? "cc-danger" : undefined}
              disabled={item.disabled}
              onClick={() => {
                setOpen(false);
                item.onSelect();
              }}
            >
              {item.label}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
