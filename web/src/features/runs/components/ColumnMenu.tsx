import { useEffect, useRef, useState } from "react";
import { createPortal } from "react-dom";

interface ColumnMenuProps {
  columnId: string;
  sortable: boolean;
  pinned: boolean;
  removable: boolean;
  onSort: (desc: boolean | null) => void;
  onPin: (pinned: boolean) => void;
  onRemove: () => void;
  canShift: (by: -1 | 1) => boolean;
  onShift: (by: -1 | 1) => void;
}

/** The "⋮" menu of a column header, drawn in a portal so the table's scrolling does not clip it. */
export function ColumnMenu(props: ColumnMenuProps) {
  const [at, setAt] = useState<{ x: number; y: number } | null>(null);
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!at) return;
    const onDown = (e: MouseEvent) => {
      const target = e.target as Node;
      if (!menu.current?.contains(target) && !button.current?.contains(target)) setAt(null);
    };
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && setAt(null);
    document.addEventListener("mousedown", onDown);
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("mousedown", onDown);
      document.removeEventListener("keydown", onKey);
    };
  }, [at]);

  const choose = (action: () => void) => () => {
    action();
    setAt(null);
  };

  return (
    <>
      <button
        ref={button}
        type="button"
        className="header-menu-button"
        aria-label={`Column menu for ${props.columnId}`}
        data-testid="column-menu-button"
        onClick={(e) => {
          e.stopPropagation();
          const rect = e.currentTarget.getBoundingClientRect();
          setAt(at ? null : { x: Math.min(rect.left, window.innerWidth - 180), y: rect.bottom + 2 });
        }}
      >
        ⋮
      </button>
      {at &&
        createPortal(
          <div
            ref={menu}
            className="menu"
            style={{ left: at.x, top: at.y }}
            role="menu"
            data-testid="column-menu"
            onClick={(e) => e.stopPropagation()}
          >
            {props.sortable && (
              <>
                <button type="button" role="menuitem" onClick={choose(() => props.onSort(false))}>
                  Sort ascending
                </button>
                <button type="button" role="menuitem" onClick={choose(() => props.onSort(true))}>
                  Sort descending
                </button>
                <button type="button" role="menuitem" onClick={choose(() => props.onSort(null))}>
                  Clear sort
                </button>
                <div className="menu-sep" />
              </>
            )}
            <button type="button" role="menuitem" onClick={choose(() => props.onPin(!props.pinned))}>
              {props.pinned ? "Unpin column" : "Pin column left"}
            </button>
            <button
              type="button"
              role="menuitem"
              disabled={!props.canShift(-1)}
              onClick={choose(() => props.onShift(-1))}
            >
              Move left
            </button>
            <button
              type="button"
              role="menuitem"
              disabled={!props.canShift(1)}
              onClick={choose(() => props.onShift(1))}
            >
              Move right
            </button>
            {props.removable && (
              <button type="button" role="menuitem" onClick={choose(props.onRemove)}>
                Hide column
              </button>
            )}
          </div>,
          document.body,
        )}
    </>
  );
}
