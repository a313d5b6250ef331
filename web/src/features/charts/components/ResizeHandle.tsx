// Drag the bottom-right corner of a panel: width snaps to 1–3 grid columns, height to small/medium/large.
import type { JSX, PointerEvent as ReactPointerEvent, RefObject } from "react";
import type { PanelHeight, PanelWidth } from "../state/layout";

export const PANEL_HEIGHTS: Record<PanelHeight, number> = { s: 220, m: 300, l: 420 };
export const GRID_COLUMNS = 3;

export interface PanelSize {
  w: PanelWidth;
  h: PanelHeight;
}

export interface ResizeHandleProps {
  panelRef: RefObject<HTMLElement | null>;
  onPreview: (size: PanelSize | null) => void;
  onResize: (size: PanelSize) => void;
}

function nearestHeight(px: number): PanelHeight {
  let best: PanelHeight = "m";
  for (const h of ["s", "m", "l"] as const) {
    if (Math.abs(PANEL_HEIGHTS[h] - px) < Math.abs(PANEL_HEIGHTS[best] - px)) best = h;
  }
  return best;
}

/** The size a pointer at (clientX, clientY) asks for, given the panel's box and the grid's columns. */
export function sizeAt(
  panel: DOMRect,
  clientX: number,
  clientY: number,
  column: number,
  gap: number,
  columns: number = GRID_COLUMNS,
): PanelSize {
  const cols = Math.round((clientX - panel.left + gap) / (column + gap));
  const w = Math.min(columns, GRID_COLUMNS, Math.max(1, cols)) as PanelWidth;
  return { w, h: nearestHeight(clientY - panel.top) };
}

export function ResizeHandle({ panelRef, onPreview, onResize }: ResizeHandleProps): JSX.Element {
  const onPointerDown = (e: ReactPointerEvent<HTMLDivElement>) => {
    const panel = panelRef.current;
    const grid = panel?.parentElement;
    if (!panel || !grid || e.button !== 0) return;
    e.preventDefault();
    e.stopPropagation();
    const handle = e.currentTarget;
    handle.setPointerCapture(e.pointerId);
    const style = getComputedStyle(grid);
    const gap = Number.parseFloat(style.columnGap) || 0;
    // The grid shows 1–3 columns depending on its width (see charts.css).
    const columns = Math.max(1, style.gridTemplateColumns.split(" ").filter(Boolean).length);
    const column = (grid.clientWidth - gap * (columns - 1)) / columns;
    const box = panel.getBoundingClientRect();
    let last: PanelSize | null = null;
    const move = (ev: PointerEvent) => {
      const size = sizeAt(box, ev.clientX, ev.clientY, column, gap, columns);
      if (!last || size.w !== last.w || size.h !== last.h) {
        last = size;
        onPreview(size);
      }
    };
    const up = () => {
      handle.removeEventListener("pointermove", move);
      handle.removeEventListener("pointerup", up);
      handle.removeEventListener("pointercancel", up);
      onPreview(null);
      if (last) onResize(last);
    };
    handle.addEventListener("pointermove", move);
    handle.addEventListener("pointerup", up);
    handle.addEventListener("pointercancel", up);
  };
  return (
    <div
      className="cc-resize"
      data-testid="panel-resize"
      title="Drag to resize"
      role="separator"
      aria-label="Resize panel"
      onPointerDown={onPointerDown}
    />
  );
}
