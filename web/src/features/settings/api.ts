// The signed-in user's API keys: types mirror src/cairn/server/routes/keys.py; fetches throw ApiRequestError.
import { request } from "../../api/client";

export interface ApiKey {
  id: number;
  /** what the key is for, as its owner named it */
  name: string;
  /** the key's first characters, to tell keys apart */
  prefix: string;
  created_at: number;
  /** unix seconds of its last request (updated at most once a minute); null: never used */
  last_used_at: number | null;
}

export interface NewApiKey extends ApiKey {
  /** the key itself: answered this once, never again */
  key: string;
}

export const keysQuery = { queryKey: ["auth-keys"], queryFn: () => request<ApiKey[]>("/auth/keys") };

export const keysApi = {
  create: (name: string) => request<NewApiKey>("/auth/keys", { method: "POST", body: JSON.stringify({ name }) }),
  revoke: (id: number) => request<ApiKey>(`/auth/keys/${id}`, { method: "DELETE" }),
};

