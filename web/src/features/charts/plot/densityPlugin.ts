// The density view: under the lines (which the chart then draws only for the hovered run), a grid
// of cells shaded by how many lines pass through each. Drawn after the axes, before the series.
import uPlot from "uplot";
import { DensityCounter, cellAlpha } from "../lib/density";
import type { PlotData } from "../lib/plotData";

/** Size of a cell, in CSS pixels. */
export const CELL_PX = 3;

export interface DensityOptions {
  plot: () => PlotData;
  /** the cells' colour (rgb), their opacity follows the count */
  color: string;
  /** told the most lines through one cell after each draw (for tests and the panel's data-*) */
  onDrawn?: (max: number) => void;
}

export function densityPlugin(options: DensityOptions): uPlot.Plugin {
  return {
    hooks: {
      drawAxes: (u) => {
        const plot = options.plot();
        const { left, top, width, height } = u.bbox;
        const cell = CELL_PX * uPlot.pxRatio;
        const cols = Math.max(1, Math.ceil(width / cell));
        const rows = Math.max(1, Math.ceil(height / cell));
        const counter = new DensityCounter(cols, rows);
        const xs = u.data[0];
        for (let s = plot.firstLine; s < plot.data.length; s += 1) {
          const ys = u.data[s];
          if (!ys) continue;
          const cx = new Float64Array(xs.length);
          const cy: (number | null | undefined)[] = new Array<number | null | undefined>(xs.length);
          for (let i = 0; i < xs.length; i += 1) {
            const y = ys[i];
            cx[i] = (u.valToPos(xs[i] as number, "x", true) - left) / cell;
            cy[i] = y === null || y === undefined ? y : (u.valToPos(y, "y", true) - top) / cell;
          }
          counter.add(cx, cy);
        }
        const grid = counter.grid();
        const { ctx } = u;
        ctx.save();
        ctx.fillStyle = options.color;
        for (let r = 0; r < rows; r += 1) {
          for (let c = 0; c < cols; c += 1) {
            const n = grid.counts[r * cols + c] as number;
            if (n === 0) continue;
            ctx.globalAlpha = cellAlpha(n, grid.max);
            ctx.fillRect(left + c * cell, top + r * cell, cell, cell);
          }
        }
        ctx.restore();
        options.onDrawn?.(grid.max);
      },
    },
  };
}
