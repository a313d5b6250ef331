// The extreme markers of a line chart: a ring in the line's colour at each line's min (or max).
import uPlot from "uplot";
import type { ExtremePoint } from "../lib/extremes";

export function extremesPlugin(points: () => readonly ExtremePoint[], outline: string): uPlot.Plugin {
  return {
    hooks: {
      draw: (u) => {
        const list = points();
        if (list.length === 0) return;
        const { ctx } = u;
        const { left, top, width, height } = u.bbox;
        const r = 4 * uPlot.pxRatio;
        ctx.save();
        ctx.beginPath();
        ctx.rect(left, top, width, height);
        ctx.clip();
        ctx.lineWidth = 2 * uPlot.pxRatio;
        for (const p of list) {
          const px = u.valToPos(p.x, "x", true);
          const py = u.valToPos(p.y, "y", true);
          if (!Number.isFinite(px) || !Number.isFinite(py)) continue;
          ctx.beginPath();
          ctx.arc(px, py, r, 0, 2 * Math.PI);
          ctx.fillStyle = outline;
          ctx.fill();
          ctx.strokeStyle = p.color;
          ctx.stroke();
        }
        ctx.restore();
      },
    },
  };
}
