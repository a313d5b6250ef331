// The compare page's runs as its URL names them: `id` is a run of the page's project, `project/id`
// a run of another project (the run path the charts' routes take too).
import type { RunDetail } from "../../../api/types";
import { paletteColor, runColor } from "../../../lib/colors";

export interface RunRef {
  /** how the URL, the charts and the series answers name the run: `id`, or `project/id` */
  ref: string;
  project: string;
  id: string;
}

export type ParsedRef = { ok: true; run: RunRef } | { ok: false; entry: string; error: string };

/** The ref of run `id` of `project` seen from the page of `page`: a bare id in its own project. */
export function refOf(project: string, id: string, page: string): string {
  return project === page ? id : `${project}/${id}`;
}

/** One entry of `runs=`: `id`, or `project/id`; `page/id` is the same run as `id`. */
export function parseRef(entry: string, page: string): ParsedRef {
  const slash = entry.indexOf("/");
  if (slash < 0) return { ok: true, run: { ref: entry, project: page, id: entry } };
  const project = entry.slice(0, slash);
  const id = entry.slice(slash + 1);
  const bad = (error: string): ParsedRef => ({ ok: false, entry, error });
  if (!project.trim()) return bad("the project before '/' is empty");
  if (project === "." || project === "..") return bad(`'${project}' is not a project`);
  if (!id || id.includes("/") || id === "." || id === "..") return bad("write a run as id or project/id");
  return { ok: true, run: { ref: refOf(project, id, page), project, id } };
}

/** The URL's entries parsed: the runs (each once, in order) and the entries that name no run. */
export function parseRefs(entries: readonly string[], page: string): { runs: RunRef[]; bad: { entry: string; error: string }[] } {
  const runs: RunRef[] = [];
  const bad: { entry: string; error: string }[] = [];
  const seen = new Set<string>();
  for (const entry of entries) {
    const parsed = parseRef(entry, page);
    if (!parsed.ok) bad.push({ entry: parsed.entry, error: parsed.error });
    else if (!seen.has(parsed.run.ref)) {
      seen.add(parsed.run.ref);
      runs.push(parsed.run);
    }
  }
  return { runs, bad };
}

/** A compared run: its detail, how the page names it, its colour and, when the compared runs
 * come from several projects, the project to label it with. */
export interface ComparedRun extends RunDetail {
  ref: string;
  color: string;
  place: string | null;
}

/** The runs in order, each a colour no earlier run has (run numbers repeat across projects:
 * run 1 of two projects would share a colour), labelled with their project when projects differ. */
export function comparedRuns(runs: readonly { ref: string; run: RunDetail }[]): ComparedRun[] {
  const several = new Set(runs.map((r) => r.run.project)).size > 1;
  const used = new Set<string>();
  return runs.map(({ ref, run }) => {
    // the page's colour overrides name runs of its own project by id, which is their ref
    let color = runColor({ id: ref, number: run.number });
    for (let i = 0; used.has(color) && i < 64; i++) color = paletteColor(i);
    used.add(color);
    return { ...run, ref, color, place: several ? run.project : null };
  });
}
