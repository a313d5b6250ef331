// How many points each line of a chart asks the server for. M4 (first, last, min, max per bucket)
// draws a line exactly with about 4 points per pixel column, but the lines of one chart share its
// pixels: past a few dozen lines, drawing each at full resolution only costs bytes, parsing and
// drawing time for pixels that another line covers. So the budget is the chart's, spread over
// its lines, and a line that fits its share keeps every point (the server's M4 keeps them all).

/** Points a chart draws in all, per pixel of its width (1,000 lines on 500 px: 32 points each). */
export const CHART_POINTS_PER_PIXEL = 64;
/** Points per line per pixel when a chart has few lines: enough for M4 to draw it exactly. */
export const LINE_POINTS_PER_PIXEL = 2;
/** The fewest points a line asks for (3 M4 buckets), and the most the server gives (its limit). */
export const MIN_POINTS = 16;
export const MAX_POINTS = 10_000;

/**
 * Points per line of a chart `plotWidth` px wide drawing `lineCount` lines: two per pixel (rounded
 * up to 250, so small resizes don't refetch), less when the chart's budget spread over its lines
 * gives each line less.
 */
export function pointsPerSeries(plotWidth: number, lineCount: number): number {
  const width = Math.max(plotWidth, 100);
  const perLine = Math.ceil((width * LINE_POINTS_PER_PIXEL) / 250) * 250;
  // The chart's share, rounded down to a multiple of 8 for the same reason.
  const share = Math.floor((width * CHART_POINTS_PER_PIXEL) / Math.max(1, lineCount) / 8) * 8;
  return Math.min(MAX_POINTS, Math.max(MIN_POINTS, Math.min(perLine, share)));
}
