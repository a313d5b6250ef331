import { useQuery } from "@tanstack/react-query";
import { mediaApi } from "../api";

/** The media keys some runs logged (one request for all of them), refreshed while runs log more. */
export function useMediaKeys(project: string, sortedIds: readonly string[], enabled: boolean) {
  return useQuery({
    queryKey: ["media-keys", project, sortedIds],
    queryFn: () => mediaApi.keys(project, [...sortedIds]),
    enabled: enabled && sortedIds.length > 0,
    placeholderData: (previous) => previous,
    staleTime: 10_000,
    refetchInterval: 30_000,
  });
}
