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


// A server admin's users and their keys: types mirror src/cairn/server/routes/admin_users.py.

export interface UserInfo {
  name: string;
  /** a server admin: every role on every project */
  is_admin: boolean;
  /** signs in from a browser; false: API keys only (a bot, CI) */
  has_password: boolean;
  created_at: number;
  /** live (not revoked) API keys */
  keys: number;
  /** unix seconds of the last request with any of the user's keys; null: never */
  last_used_at: number | null;
}

export interface NewUser {
  name: string;
  is_admin: boolean;
  /** null: API keys only */
  password: string | null;
}

const enc = encodeURIComponent;

export const usersQuery = { queryKey: ["admin-users"], queryFn: () => request<UserInfo[]>("/admin/users") };

export function userKeysQuery(user: string) {
  return {
    queryKey: ["admin-users", user, "keys"],
    queryFn: () => request<ApiKey[]>(`/admin/users/${enc(user)}/keys`),
  };
}

export const usersApi = {
  create: (user: NewUser) => request<UserInfo>("/admin/users", { method: "POST", body: JSON.stringify(user) }),
  createKey: (user: string, name: string) =>
    request<NewApiKey>(`/admin/users/${enc(user)}/keys`, { method: "POST", body: JSON.stringify({ name }) }),
  revokeKey: (user: string, id: number) => request<ApiKey>(`/admin/users/${enc(user)}/keys/${id}`, { method: "DELETE" }),
  setPassword: (user: string, password: string) =>
    request<UserInfo>(`/admin/users/${enc(user)}/password`, { method: "PUT", body: JSON.stringify({ password }) }),
};
