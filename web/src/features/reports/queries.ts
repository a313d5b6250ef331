import { queryOptions } from "@tanstack/react-query";
import { reportsApi } from "./api";

/** A report at its latest version (`version` null) or at an older one. */
export function reportQuery(project: string, id: string, version: number | null = null) {
  return queryOptions({
    queryKey: ["report", project, id, version],
    queryFn: () => reportsApi.get(project, id, version),
    staleTime: version === null ? 0 : Infinity,
  });
}

export function versionsQuery(project: string, id: string) {
  return queryOptions({ queryKey: ["report-versions", project, id], queryFn: () => reportsApi.versions(project, id) });
}

/** The blocks added, removed, moved and changed from version `a` to `b` (versions never change). */
export function diffQuery(project: string, id: string, a: number, b: number) {
  return queryOptions({ queryKey: ["report-diff", project, id, a, b], queryFn: () => reportsApi.diff(project, id, a, b), staleTime: Infinity });
}
