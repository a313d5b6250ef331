import { queryOptions, type QueryClient } from "@tanstack/react-query";
import { api } from "../../../api/client";
import type { RunDetail, RunEdit } from "../../../api/types";

export const runQuery = (project: string, id: string) =>
  queryOptions({
    queryKey: ["run", project, id],
    queryFn: () => api.run(project, id),
    // a running run's duration and state change
    refetchInterval: (query) => (query.state.data?.state === "running" ? 3_000 : false),
  });

/** Save an edit and put the answer in the cache; the runs tables refetch. */
export async function saveRunEdit(
  client: QueryClient,
  project: string,
  id: string,
  edit: RunEdit,
): Promise<RunDetail> {
  const run = await api.editRun(project, id, edit);
  client.setQueryData(runQuery(project, id).queryKey, run);
  await client.invalidateQueries({ queryKey: ["runs", project] });
  return run;
}
