// What every panel has around its chart: a drag handle (reorder within the section), the title,
// a full-screen button, the "⋯" menu (its own items, then Move left/right and Remove), the resize
// corner. Full screen draws the panel again in an overlay at the window's size; Escape closes it.
import { type JSX, type PointerEvent as ReactPointerEvent, type ReactNode, type RefObject, useCallback, useEffect, useRef, useState } from "react";
import { createPortal } from "react-dom";
import { type Size, useElementSize } from "../hooks/useElementSize";
import type { PanelLayout } from "../state/layout";
import { PanelMenu, type PanelMenuItem } from "./PanelMenu";
import { PANEL_HEIGHTS, type PanelSize, ResizeHandle } from "./ResizeHandle";

export type DataAttributes = Record<`data-${string}`, string | number | boolean | undefined>;

export interface PanelFrameProps {
  section: string;
  panel: PanelLayout;
  title: string;
  rootRef: RefObject<HTMLDivElement | null>;
  bodyRef: RefObject<HTMLDivElement | null>;
  /** data-* attributes of the panel (its state, for tests and styles) */
  data: DataAttributes;
  /** the panel's own menu items (Move left/right and Remove follow) */
  menu: readonly PanelMenuItem[];
  /** the panels before and after this one in its section (null at the ends) */
  neighbours: { before: string | null; after: string | null };
  /** pinned to the top; the pin button toggles it */
  pinned: boolean;
  onPin: (panelId: string) => void;
  /** shown in the header after the title */
  badges?: ReactNode;
  /** popovers (key pickers, settings) */
  overlay?: ReactNode;
  /** below the body (the legend) */
  footer?: ReactNode;
  /** the panel drawn again at `size` in the full-screen overlay */
  renderFull: (size: Size) => ReactNode;
  children: ReactNode;
  onRemove: (section: string, panelId: string) => void;
  onResize: (section: string, panelId: string, size: PanelSize) => void;
  onMove: (section: string, panelId: string, targetId: string) => void;
}

/** The panel (of the same section) under a point, other than `self`. */
function panelAt(x: number, y: number, self: HTMLElement): HTMLElement | null {
  const target = document.elementFromPoint(x, y)?.closest<HTMLElement>("[data-testid=chart-panel]");
  if (!target || target === self) return null;
  const section = self.closest("[data-testid=chart-section]");
  // (none in the Pinned section: its panels keep their order there)
  return section && target.closest("[data-testid=chart-section]") === section ? target : null;
}

const DROP_CLASS = "cc-drop-target";

export function PanelFrame(props: PanelFrameProps): JSX.Element {
  const { section, panel, rootRef } = props;
  const [preview, setPreview] = useState<PanelSize | null>(null);
  const [full, setFull] = useState(false);
  const [dragging, setDragging] = useState(false);
  const target = useRef<HTMLElement | null>(null);

  const setTarget = (next: HTMLElement | null) => {
    if (target.current === next) return;
    target.current?.classList.remove(DROP_CLASS);
    next?.classList.add(DROP_CLASS);
    target.current = next;
  };
  const onPointerDown = (e: ReactPointerEvent<HTMLButtonElement>) => {
    if (e.button !== 0) return;
    e.preventDefault();
    e.currentTarget.setPointerCapture(e.pointerId);
    setDragging(true);
  };
  const onPointerMove = (e: ReactPointerEvent<HTMLButtonElement>) => {
    if (!dragging || !rootRef.current) return;
    setTarget(panelAt(e.clientX, e.clientY, rootRef.current));
  };
  const endDrag = (drop: boolean) => {
    const id = target.current?.dataset.panelId;
    setTarget(null);
    setDragging(false);
    if (drop && id) props.onMove(section, panel.id, id);
  };

  const { before, after } = props.neighbours;
  const items: PanelMenuItem[] = [
    ...props.menu,
    { label: "Move left", disabled: before === null, onSelect: () => before && props.onMove(section, panel.id, before) },
    { label: "Move right", disabled: after === null, onSelect: () => after && props.onMove(section, panel.id, after) },
    { label: "Remove panel", danger: true, onSelect: () => props.onRemove(section, panel.id) },
  ];
  const w = preview?.w ?? panel.w;
  const h = preview?.h ?? panel.h;

  return (
    <div
      ref={rootRef}
      className={`cc-panel${preview ? " cc-resizing" : ""}${dragging ? " cc-dragging" : ""}`}
      style={{ height: PANEL_HEIGHTS[h] }}
      data-testid="chart-panel"
      data-panel-id={panel.id}
      data-kind={panel.kind ?? "line"}
      data-w={w}
      data-h={h}
      {...props.data}
    >
      <header className="cc-panel-head">
        <button
          type="button"
          className="cc-drag-handle"
          aria-label="Move the panel (drag, or the arrow keys)"
          title="Drag to move (or ← → here, or ⋯ → Move left/right)"
          data-testid="panel-drag"
          onPointerDown={onPointerDown}
          onPointerMove={onPointerMove}
          onPointerUp={() => endDrag(true)}
          onPointerCancel={() => endDrag(false)}
          onKeyDown={(e) => {
            const to = e.key === "ArrowLeft" ? before : e.key === "ArrowRight" ? after : null;
            if (!to) return;
            e.preventDefault();
            props.onMove(section, panel.id, to);
          }}
        >
          ⠿
        </button>
        <h4 className="cc-panel-title" title={props.title}>
          {props.title}
        </h4>
        {props.badges}
        <button
          type="button"
          className={`cc-icon-button cc-pin-button${props.pinned ? " cc-pinned" : ""}`}
          aria-label={props.pinned ? "Unpin" : "Pin to the top"}
          aria-pressed={props.pinned}
          title={props.pinned ? "Unpin (it stays in its section)" : "Pin to the Pinned section at the top"}
          data-testid="panel-pin"
          onClick={() => props.onPin(panel.id)}
        >
          <PinIcon />
        </button>
        <button
          type="button"
          className="cc-icon-button cc-full-button"
          aria-label="Full screen"
          title="Full screen (Escape closes)"
          data-testid="panel-fullscreen"
          onClick={() => setFull(true)}
        >
          ⤢
        </button>
        <PanelMenu items={items} />
      </header>
      {props.overlay}
      <div className="cc-panel-body" ref={props.bodyRef}>
        {props.children}
      </div>
      {props.footer}
      <ResizeHandle panelRef={rootRef} onPreview={setPreview} onResize={(next) => props.onResize(section, panel.id, next)} />
      {full && (
        <FullScreen title={props.title} footer={props.footer} onClose={() => setFull(false)}>
          {props.renderFull}
        </FullScreen>
      )}
    </div>
  );
}

function PinIcon(): JSX.Element {
  return (
    <svg width="12" height="12" viewBox="0 0 16 16" aria-hidden>
      <path d="M10 1.5 14.5 6l-1.4 1.4-.9-.4-2.6 2.6.4 3-1.4 1.4L6 11.4l-3.6 3.6-1-1L5 10.4 2.4 7.8 3.8 6.4l3 .4L9.4 4.2 9 3.3z" fill="currentColor" />
    </svg>
  );
}

interface FullScreenProps {
  title: string;
  footer?: ReactNode;
  onClose: () => void;
  children: (size: Size) => ReactNode;
}

/** The overlay of a full-screen panel, over the whole window (a portal: the grid is a container). */
function FullScreen({ title, footer, onClose, children }: FullScreenProps): JSX.Element {
  const bodyRef = useRef<HTMLDivElement>(null);
  const size = useElementSize(bodyRef);
  const close = useCallback(() => onClose(), [onClose]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") close();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [close]);
  return createPortal(
    <div className="cc-full-backdrop" onMouseDown={(e) => e.target === e.currentTarget && close()}>
      <div className="cc-full" role="dialog" aria-modal="true" aria-label={title} data-testid="panel-full">
        <header className="cc-panel-head">
          <h4 className="cc-panel-title">{title}</h4>
          <button type="button" className="cc-icon-button" aria-label="Close full screen" onClick={close}>
            ✕
          </button>
        </header>
        <div className="cc-panel-body" ref={bodyRef}>
          {size.width > 0 && size.height > 0 && children(size)}
        </div>
        {footer}
      </div>
    </div>,
    document.body,
  );
}
