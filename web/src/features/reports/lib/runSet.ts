// The runs a panel added to a report reads, as a filter of the runs table, when the page showing it
// is not the workspace (whose filter is in the URL): a sweep's runs, the compare page's runs.
import { createContext } from "react";
import { quote } from "../../runs/state/order";

/** A page's runs for "Add to report": the project and filter a report's panel reads, or why its
 * runs cannot make one (`blocked`, shown in the dialog instead of the form). */
export type ReportRunSet = { project: string; filter: string } | { blocked: string };

/** The runs of sweep `sweepId`. */
export function sweepRunSet(project: string, sweepId: string): ReportRunSet {
  return { project, filter: `sweep_id == ${quote(sweepId)}` };
}

/** Exactly the runs `runs` (each a project and a run id): a panel lives in one project, so runs of
 * several projects give no run set. */
export function runsRunSet(runs: readonly { project: string; id: string }[]): ReportRunSet {
  const projects = [...new Set(runs.map((r) => r.project))];
  if (projects.length !== 1 || !projects[0]) {
    return projects.length === 0
      ? { blocked: "There are no runs to add: add runs to compare first." }
      : {
          blocked:
            `These runs come from ${projects.length} projects (${projects.join(", ")}), and a report's panel ` +
            "shows the runs of one project. Remove the runs of the other projects to add this panel.",
        };
  }
  return { project: projects[0], filter: `id in [${runs.map((r) => quote(r.id)).join(", ")}]` };
}

/** The page's run set, for the "Add to report" dialogs below it; none (null): the workspace's URL filter. */
export const ReportRunSetContext = createContext<ReportRunSet | null>(null);
