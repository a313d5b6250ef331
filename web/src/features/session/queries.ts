import { api } from "../../api/client";

/** Who the dashboard is signed in as; fetched once, reset on sign-in and sign-out. */
export const meQuery = { queryKey: ["me"], queryFn: api.me, staleTime: Infinity };
