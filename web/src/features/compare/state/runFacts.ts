// The compared runs' capture facts (git commit, dirty or not, Python, host, GPUs, duration): the
// "run." rows of a report's compare panel, read with that panel's route so the page and the panel
// show the same facts. One request per project and per MAX_COMPARE_RUNS runs.
import { useQueries } from "@tanstack/react-query";
import type { JsonValue } from "../../../api/types";
import { quote } from "../../runs/state/order";
import { reportsApi } from "../../reports/api";
import { MAX_COMPARE_RUNS, sectionRecord } from "../../reports/lib/compareCells";
import { refOf, type RunRef } from "./runRefs";

export interface RunFacts {
  /** each run's facts by its ref, keyed without "run." (`commit`, `python`…) */
  byRef: ReadonlyMap<string, Record<string, JsonValue>>;
  /** why some runs' facts could not be read, else null */
  error: string | null;
  /** changes when the facts do (for memoizing rows) */
  key: string;
}

/** The runs in requests: per project, at most MAX_COMPARE_RUNS runs each. */
export function factRequests(refs: readonly RunRef[]): { project: string; ids: string[] }[] {
  const byProject = new Map<string, string[]>();
  for (const ref of refs) byProject.set(ref.project, [...(byProject.get(ref.project) ?? []), ref.id]);
  return [...byProject].flatMap(([project, ids]) =>
    Array.from({ length: Math.ceil(ids.length / MAX_COMPARE_RUNS) }, (_, i) => ({
      project,
      ids: ids.slice(i * MAX_COMPARE_RUNS, (i + 1) * MAX_COMPARE_RUNS),
    })),
  );
}

export function useRunFacts(refs: readonly RunRef[], page: string): RunFacts {
  const requests = factRequests(refs);
  const results = useQueries({
    queries: requests.map(({ project, ids }) => ({
      queryKey: ["run-facts", project, ids.join(",")],
      queryFn: () => reportsApi.panel(project, { kind: "compare", keys: [], runs: `id in [${ids.map(quote).join(", ")}]` }),
      staleTime: 30_000,
    })),
  });
  const byRef = new Map<string, Record<string, JsonValue>>();
  results.forEach((result, i) => {
    const project = requests[i]?.project ?? page;
    for (const run of result.data?.runs ?? []) byRef.set(refOf(project, run.id, page), sectionRecord(run.values, "run.", []));
  });
  const failed = results.flatMap((r) => (r.isError ? [r.error.message] : []));
  return {
    byRef,
    error: failed.length ? failed.join("; ") : null,
    key: results.map((r) => r.dataUpdatedAt).join(","),
  };
}
