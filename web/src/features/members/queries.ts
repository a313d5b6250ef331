import { membersApi } from "./api";

/** A project's members, visibility and the caller's role (a team server's signed-in users). */
export const membersQuery = (project: string) => ({
  queryKey: ["members", project],
  queryFn: () => membersApi.get(project),
});
