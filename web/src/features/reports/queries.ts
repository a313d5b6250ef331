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
