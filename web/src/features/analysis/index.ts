/**
 * Analysis of any set of runs: parallel coordinates and parameter importance.
 *
 * PROPS CONTRACT (for embedding, e.g. on the sweep page). Import from "features/analysis":
 *
 *   <AnalysisView project runs metric? goal? params? onOpenRun? />
 *     The whole thing: metric and parameter pickers, the parallel coordinates chart, a "12 of 40 runs"
 *     count with the brushed runs listed, and the importance table. Use this one unless you need less.
 *     - project: string                    the project name (the importance request goes to it)
 *     - runs: AnalysisRun[]                the runs to analyse (RunRow from api/types fits as is)
 *     - metric?: string                    fixed summary key (e.g. the sweep's metric); omitted: a picker,
 *                                          defaulting to a val/test loss or accuracy (see defaultMetric)
 *     - goal?: "minimize" | "maximize"     which end is better (colour: better = bright end); default
 *                                          minimize when the key looks like a loss/error, else maximize
 *     - params?: string[]                  initial axes (flattened config keys); omitted: the keys whose
 *                                          values vary across `runs`
 *     - onOpenRun?: (id: string) => void   clicking a line; default navigates to the run page
 *     - persist?: "url" | "memory"         where the choices (metric, direction, axes, brush) live:
 *                                          "url" adds ?metric=&better=&axes=&brush=&brushed= to the URL
 *                                          (the workspace does); default "memory" (component state)
 *     Inside a ReportRunSetContext (features/reports/lib/runSet; the sweep page gives its runs), or with
 *     persist="url" (the workspace: the URL's runs filter, without the brush), it offers "Add parallel
 *     coordinates/importance to report…": the axes and metric as keys, the goal, that run set.
 *
 *   <ParallelCoordinates runs params metric goal brush onBrush onOpenRun height? />
 *     The chart alone (ECharts `parallel`). Controlled brush: `brush` is a Brush (axis key -> ranges);
 *     `onBrush(next)` fires when the user drags on an axis. Filter runs with `brushedRuns(runs, brush, ...)`.
 *
 *   <ImportanceTable project runIds metric params? />
 *     POST /api/v1/projects/{project}/importance and a table sorted by importance with inline bars,
 *     or the "too few runs" note. <ImportanceResult data /> draws an ImportanceResponse already at hand
 *     (a report's importance panel, computed from its frozen or live data).
 *
 * AnalysisRun = { id: string; name: string; state?: string; config: Record<string, JsonValue>;
 *                 summary: Record<string, JsonValue> }   (config flattened with ".", as the runs API sends)
 */
export { AnalysisView, type AnalysisViewProps } from "./components/AnalysisView";
export { ImportanceResult, ImportanceTable, type ImportanceTableProps } from "./components/ImportanceTable";
export { ParallelCoordinates, type ParallelCoordinatesProps } from "./components/ParallelCoordinates";
export type { AnalysisRun, Brush, Goal } from "./lib/axes";
export { brushedRuns } from "./lib/brush";
export type { AnalysisChoice } from "./lib/choice";
