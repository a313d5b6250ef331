// How much of a chart's legend is rendered: a chart of 1,000 runs has 1,000 entries in a box that
// shows a few dozen, and creating (and styling) every one of them cost more than drawing the lines.
// The legend renders a first page of entries and adds a page each time it is scrolled near its end
// (or its "more" entry is pressed): every entry stays reachable, only the unseen ones wait.

/** Entries rendered at first, and added each time the legend asks for more. */
export const LEGEND_PAGE = 100;

/** Scrolled within this many pixels of the end: render the next page. */
const NEAR_END_PX = 48;

/** How many of `total` entries to render when `wanted` have been asked for. */
export function legendShown(total: number, wanted: number): number {
  return Math.min(total, Math.max(LEGEND_PAGE, wanted));
}

/** Entries wanted after one more page, from `shown` rendered now. */
export function legendMore(shown: number): number {
  return shown + LEGEND_PAGE;
}

/** Whether a box scrolled to `top` (of `height` visible, `scrollHeight` in all) is near its end. */
export function nearEnd(top: number, height: number, scrollHeight: number): boolean {
  return top + height >= scrollHeight - NEAR_END_PX;
}
