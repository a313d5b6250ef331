// What a chart panel shows: nothing yet (off screen), a spinner, an error, "no data" or the chart.

export type PanelState = "idle" | "loading" | "error" | "empty" | "ready";

/** The state of a panel that fetches its series once it is `seen` (scrolled into view). */
export function panelState(seen: boolean, query: { isError: boolean; data: unknown }, lineCount: number): PanelState {
  if (!seen) return "idle";
  if (query.isError) return "error";
  if (query.data === undefined) return "loading";
  return lineCount === 0 ? "empty" : "ready";
}
