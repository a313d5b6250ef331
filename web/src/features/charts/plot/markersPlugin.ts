// Non-finite values: a red ▲ at the top of the plot for NaN and +Inf, a ▼ at the bottom for -Inf.
import uPlot from "uplot";
import type { NonfiniteMarker } from "../lib/chartLines";

export const MARKER_COLOR = "#e03131";

export function markersPlugin(markers: () => readonly NonfiniteMarker[]): uPlot.Plugin {
  return {
    hooks: {
      draw: (u) => {
        const list = markers();
        const scale = u.scales.x;
        if (list.length === 0 || scale?.min === undefined || scale.max === undefined) return;
        const { ctx } = u;
        const { left, top, width, height } = u.bbox;
        const size = 4.5 * uPlot.pxRatio;
        const drawn = new Set<number>();
        ctx.save();
        ctx.fillStyle = MARKER_COLOR;
        ctx.beginPath();
        for (const m of list) {
          if (m.x < scale.min || m.x > scale.max) continue;
          const px = Math.round(u.valToPos(m.x, "x", true));
          const down = m.kind === "-inf";
          const slot = px * 2 + (down ? 1 : 0);
          if (!Number.isFinite(px) || px < left - size || px > left + width + size || drawn.has(slot)) continue;
          drawn.add(slot);
          if (down) {
            const base = top + height - 1;
            ctx.moveTo(px - size, base - size * 1.6);
            ctx.lineTo(px + size, base - size * 1.6);
            ctx.lineTo(px, base);
          } else {
            const base = top + 1;
            ctx.moveTo(px - size, base + size * 1.6);
            ctx.lineTo(px + size, base + size * 1.6);
            ctx.lineTo(px, base);
          }
          ctx.closePath();
        }
        ctx.fill();
        ctx.restore();
      },
    },
  };
}
