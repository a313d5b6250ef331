import { useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { ApiRequestError } from "../../api/client";
import { membersQuery } from "./queries";
import type { ProjectMembers } from "./types";

/** Run a change of a project's members or visibility; its answer (the members as they are now)
 * replaces the cached list. While it runs `busy`; on failure the server's words in `error`. */
export function useMembersChange(project: string) {
  const queryClient = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function run(change: () => Promise<ProjectMembers>): Promise<boolean> {
    setBusy(true);
    setError(null);
    try {
      queryClient.setQueryData(membersQuery(project).queryKey, await change());
      return true;
    } catch (e) {
      setError(e instanceof ApiRequestError ? e.message : String(e));
      return false;
    } finally {
      setBusy(false);
    }
  }

  return { busy, error, run };
}
