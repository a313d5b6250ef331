import { useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { ApiRequestError } from "../../api/client";

/** Sign-in and setup: run the request, then refetch everything (what was fetched signed out is
 * stale); while it runs `busy`, and on failure the server's words in `error`. */
export function useSessionAction(after?: () => void) {
  const queryClient = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function run(action: () => Promise<unknown>) {
    setBusy(true);
    setError(null);
    try {
      await action();
      await queryClient.resetQueries();
      after?.();
    } catch (e) {
      setError(e instanceof ApiRequestError ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }

  return { busy, error, run };
}
