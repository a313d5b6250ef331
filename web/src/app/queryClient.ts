import { QueryClient } from "@tanstack/react-query";
import { ApiRequestError } from "../api/client";

export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 5_000,
      refetchOnWindowFocus: false,
      // a 4xx (bad filter, unknown run) will not change by asking again
      retry: (count, error) => !(error instanceof ApiRequestError && error.status < 500) && count < 2,
    },
  },
});
