import { queryOptions } from "@tanstack/react-query";
import { sweepsApi } from "./api";

/** Live sweeps change as agents work: poll while the page is open. */
const POLL_MS = 5_000;

export const sweepsQuery = (project: string) =>
  queryOptions({
    queryKey: ["sweeps", project],
    queryFn: () => sweepsApi.list(project),
    refetchInterval: POLL_MS,
  });

export const sweepQuery = (project: string, id: string) =>
  queryOptions({
    queryKey: ["sweep", project, id],
    queryFn: () => sweepsApi.get(project, id),
    refetchInterval: POLL_MS,
  });

export const sweepRunsQuery = (project: string, id: string) =>
  queryOptions({
    queryKey: ["sweep-runs", project, id],
    queryFn: () => sweepsApi.runs(project, id),
    refetchInterval: POLL_MS,
  });
