// A density view of many lines: how many lines pass through each cell of a grid over the plot, each
// line counted once per cell. Lines are given in pixels; a segment between two defined points marks
// every cell it crosses (sampled at least once per cell), a gap (null) breaks the line, and an
// undefined value (a column of another line's x, as uPlot's aligned data has) is passed over.

/** A chart of at least this many lines offers the density view (its panel menu). */
export const DENSITY_MIN_LINES = 100;

export interface DensityGrid {
  cols: number;
  rows: number;
  /** lines through each cell, row-major */
  counts: Uint32Array;
  /** the most lines through one cell */
  max: number;
}

export class DensityCounter {
  readonly counts: Uint32Array;
  private readonly stamp: Int32Array;
  private line = 0;
  max = 0;

  constructor(
    readonly cols: number,
    readonly rows: number,
  ) {
    this.counts = new Uint32Array(cols * rows);
    this.stamp = new Int32Array(cols * rows);
  }

  /** Adds one line: `xs`/`ys` in cell units (0..cols, 0..rows), null at a gap, undefined where
   * the line has no point. */
  add(xs: ArrayLike<number>, ys: ArrayLike<number | null | undefined>): void {
    this.line += 1;
    let px: number | null = null;
    let py: number | null = null;
    for (let i = 0; i < xs.length; i += 1) {
      const x = xs[i] as number;
      const y = ys[i];
      if (y === undefined || !Number.isFinite(x)) continue; // no point here: the line runs on
      if (y === null || !Number.isFinite(y)) {
        px = py = null;
        continue;
      }
      if (px === null || py === null) {
        this.mark(x, y);
      } else {
        const steps = Math.max(1, Math.ceil(Math.max(Math.abs(x - px), Math.abs(y - py))));
        for (let s = 1; s <= steps; s += 1) this.mark(px + ((x - px) * s) / steps, py + ((y - py) * s) / steps);
      }
      px = x;
      py = y;
    }
  }

  private mark(x: number, y: number): void {
    const c = Math.floor(x);
    const r = Math.floor(y);
    if (c < 0 || r < 0 || c >= this.cols || r >= this.rows) return;
    const at = r * this.cols + c;
    if (this.stamp[at] === this.line) return;
    this.stamp[at] = this.line;
    const n = (this.counts[at] as number) + 1;
    this.counts[at] = n;
    if (n > this.max) this.max = n;
  }

  grid(): DensityGrid {
    return { cols: this.cols, rows: this.rows, counts: this.counts, max: this.max };
  }
}

/** Opacity of a cell: logarithmic in its count, so a few lines stay visible beside a crowd. */
export function cellAlpha(count: number, max: number): number {
  if (count <= 0 || max <= 0) return 0;
  return 0.12 + 0.88 * (Math.log1p(count) / Math.log1p(max));
}
