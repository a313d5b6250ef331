// The hover tooltip: every line's value at the cursor's x, highest first, with dots on the lines.
// Drawn with plain DOM from uPlot's setCursor hook: no React render per mouse move.
import type uPlot from "uplot";
import type { TooltipSource } from "../lib/plotData";
import { type TooltipRow, tooltipRows, tooltipWindow } from "../lib/tooltipRows";

/** Rows listed before "+N more". */
export const MAX_TOOLTIP_ROWS = 14;
/** Lines within this many pixels of the cursor's x (past their ends) are listed. */
const REACH_PX = 12;

export interface TooltipOptions {
  /** the tooltip element (position: fixed), owned by the caller */
  element: HTMLElement;
  sources: () => readonly TooltipSource[];
  formatX: (x: number) => string;
  /** the line nearest the cursor changed: its runs, or null when no line is near or the mouse left */
  onNearest?: (runIds: readonly string[] | null) => void;
}

function el(tag: string, className: string, text?: string): HTMLElement {
  const node = document.createElement(tag);
  node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** The row whose value is drawn closest to the cursor's height: it is highlighted. */
function nearestRow(u: uPlot, rows: readonly TooltipRow[], top: number): number {
  let best = -1;
  let bestDist = Number.POSITIVE_INFINITY;
  rows.forEach((row, i) => {
    if (row.value === null) return;
    const dist = Math.abs(u.valToPos(row.value, "y") - top);
    if (dist < bestDist) {
      bestDist = dist;
      best = i;
    }
  });
  return bestDist <= 24 ? best : -1;
}

export function tooltipPlugin(options: TooltipOptions): uPlot.Plugin {
  const { element } = options;
  let hovered = false;
  let dots: HTMLDivElement | null = null;

  let nearest: readonly string[] | null = null;
  const setNearest = (runIds: readonly string[] | null) => {
    if (runIds === nearest) return;
    nearest = runIds;
    options.onNearest?.(runIds);
  };

  const hide = () => {
    element.style.display = "none";
    if (dots) dots.replaceChildren();
  };

  const render = (u: uPlot) => {
    const { left, top, idx } = u.cursor;
    const xs = u.data[0];
    if (!hovered || left === undefined || top === undefined || left < 0 || idx === null || idx === undefined) {
      hide();
      setNearest(null);
      return;
    }
    const x = xs[idx];
    if (x === undefined) {
      hide();
      setNearest(null);
      return;
    }
    const reach = Math.abs(u.posToVal(REACH_PX, "x") - u.posToVal(0, "x"));
    const rows = tooltipRows(options.sources(), x, reach);
    if (rows.length === 0) {
      hide();
      setNearest(null);
      return;
    }
    const near = nearestRow(u, rows, top);
    setNearest(rows[near]?.runIds ?? null);
    const [start, end] = tooltipWindow(rows.length, near, MAX_TOOLTIP_ROWS);
    const shown = rows.slice(start, end);

    const children: HTMLElement[] = [el("div", "cc-tip-head", options.formatX(x))];
    if (start > 0) children.push(el("div", "cc-tip-more", `+${start} higher`));
    for (const row of shown) {
      const line = el("div", row === rows[near] ? "cc-tip-row cc-tip-near" : "cc-tip-row");
      line.dataset.testid = "chart-tooltip-row";
      const swatch = el("span", "cc-tip-dot");
      swatch.style.background = row.color;
      const name = el("span", "cc-tip-name", row.label);
      if (row.runCount > 1) name.append(el("span", "cc-tip-count", ` (${row.runCount} runs)`));
      line.append(swatch, name, el("span", row.value === null ? "cc-tip-val cc-tip-bad" : "cc-tip-val", row.text));
      children.push(line);
    }
    if (end < rows.length) children.push(el("div", "cc-tip-more", `+${rows.length - end} lower`));
    element.replaceChildren(...children);

    // Dots where the cursor's x meets each listed line.
    if (dots) {
      const marks: HTMLElement[] = [];
      for (const row of shown) {
        if (row.value === null) continue;
        const px = u.valToPos(row.x, "x");
        const py = u.valToPos(row.value, "y");
        if (!Number.isFinite(px) || !Number.isFinite(py)) continue;
        const dot = el("span", "cc-hover-dot");
        dot.style.transform = `translate(${px}px, ${py}px)`;
        dot.style.background = row.color;
        marks.push(dot);
      }
      dots.replaceChildren(...marks);
    }

    // Beside the cursor, flipped to its left near the window's right edge, kept inside the window.
    element.style.display = "block";
    const rect = u.rect;
    const tip = element.getBoundingClientRect();
    let px = rect.left + left + 16;
    if (px + tip.width > window.innerWidth - 8) px = rect.left + left - 16 - tip.width;
    let py = rect.top + top - tip.height / 2;
    py = Math.min(Math.max(py, 8), window.innerHeight - tip.height - 8);
    element.style.transform = `translate(${Math.round(Math.max(px, 8))}px, ${Math.round(py)}px)`;
  };

  return {
    hooks: {
      init: (u) => {
        dots = document.createElement("div");
        dots.className = "cc-hover-dots";
        u.over.append(dots);
        u.over.addEventListener("mouseenter", () => {
          hovered = true;
        });
        u.over.addEventListener("mouseleave", () => {
          hovered = false;
          hide();
          setNearest(null);
        });
      },
      setCursor: render,
      setData: (u) => {
        if (hovered) render(u);
      },
      destroy: () => {
        if (hovered) setNearest(null);
        hovered = false;
        hide();
      },
    },
  };
}

/** Whether the mouse is over this chart (not just its cursor synced from another). */
export function isHovered(u: uPlot): boolean {
  return u.over.matches(":hover");
}
