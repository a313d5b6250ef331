// Series requests split to the server's limit on (run, key) lines per request.
import type { SeriesRequest } from "../../../api/types";

/** The server answers at most this many (run, key) lines per request (MAX_SERIES_PAIRS). */
export const MAX_PAIRS_PER_REQUEST = 2000;

/** `request` split by runs so that runs × keys stays within `maxPairs` in each part. */
export function splitRequest(request: SeriesRequest, maxPairs = MAX_PAIRS_PER_REQUEST): SeriesRequest[] {
  const perRequest = Math.max(1, Math.floor(maxPairs / Math.max(1, request.keys.length)));
  if (request.run_ids.length <= perRequest) return [request];
  const parts: SeriesRequest[] = [];
  for (let i = 0; i < request.run_ids.length; i += perRequest) {
    parts.push({ ...request, run_ids: request.run_ids.slice(i, i + perRequest) });
  }
  return parts;
}
