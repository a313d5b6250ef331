import { keepPreviousData, queryOptions, useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { api } from "../../../api/client";
import type { RunPage } from "../../../api/types";

export const PAGE_SIZE = 500;
export const LIVE_INTERVAL_MS = 3_000;

export const columnsQuery = (project: string) =>
  queryOptions({ queryKey: ["columns", project], queryFn: () => api.columns(project), staleTime: 15_000 });

export interface RunsRequest {
  filter: string;
  search: string;
  order: string | undefined;
}

function anyRunning(pages: readonly RunPage[] | undefined): boolean {
  return !!pages?.some((page) => page.runs.some((run) => run.state === "running"));
}

/** Pages of 500 runs, fetched as the table scrolls; refetched every 3 s while a listed run runs. */
export function useRunPages(project: string, request: RunsRequest) {
  return useInfiniteQuery({
    queryKey: ["runs", project, "pages", request],
    queryFn: ({ pageParam }) =>
      api.runs(project, {
        filter: request.filter || undefined,
        search: request.search || undefined,
        order: request.order,
        limit: PAGE_SIZE,
        offset: pageParam,
      }),
    initialPageParam: 0,
    getNextPageParam: (last) => {
      const next = last.offset + last.runs.length;
      return next < last.total && last.runs.length > 0 ? next : undefined;
    },
    placeholderData: keepPreviousData,
    refetchInterval: (query) => (anyRunning(query.state.data?.pages) ? LIVE_INTERVAL_MS : false),
  });
}

/** How many runs the project has in all, to say "3 of 6 runs" under a filter. */
export function useProjectRunTotal(project: string, enabled: boolean) {
  return useQuery({
    queryKey: ["runs", project, "total"],
    queryFn: async () => (await api.runs(project, { limit: 1 })).total,
    enabled,
  });
}
