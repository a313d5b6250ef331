// Fetch helpers for the JSON API. Every function throws ApiRequestError with the server's message.
import type {
  CaptureResponse,
  Columns,
  ConsolePage,
  ImportanceRequest,
  ImportanceResponse,
  Me,
  Reproduction,
  Project,
  RunDetail,
  RunEdit,
  RunPage,
  SeriesRequest,
  SavedView,
  SeriesResponse,
  Workspace,
} from "./types";

const BASE = "/api/v1";

export class ApiRequestError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly position?: number,
  ) {
    super(message);
  }
}

/** The CSRF token a signed-in browser session's writes must carry (cairn server), from its cookie. */
export function csrfToken(cookies: string = document.cookie): string | undefined {
  const found = cookies.split(";").find((part) => part.trim().startsWith("cairn_csrf="));
  return found === undefined ? undefined : decodeURIComponent(found.trim().slice("cairn_csrf=".length));
}

/** Fetch `path` under /api/v1 as JSON (a Blob body, such as a file, is sent as it is); a failed response throws ApiRequestError with the server's message. */
export async function request<T>(path: string, init?: RequestInit): Promise<T> {
  const headers: Record<string, string> = {};
  if (init?.body) headers["Content-Type"] = init.body instanceof Blob ? init.body.type || "application/octet-stream" : "application/json";
  const method = (init?.method ?? "GET").toUpperCase();
  const token = method === "GET" ? undefined : csrfToken();
  if (token) headers["X-CSRF-Token"] = token;
  const response = await fetch(`${BASE}${path}`, { ...init, headers });
  if (!response.ok) {
    let message = `${response.status} ${response.statusText}`;
    let position: number | undefined;
    try {
      const { detail } = (await response.json()) as { detail?: unknown };
      if (typeof detail === "string") message = detail;
      else if (detail && typeof detail === "object" && "message" in detail) {
        // a filter or order that does not parse: {message, position}
        message = String(detail.message);
        if ("position" in detail && typeof detail.position === "number") position = detail.position;
      } else if (detail) message = JSON.stringify(detail); // validation errors and any other shape
    } catch {
      // not JSON: keep the status line
    }
    throw new ApiRequestError(message, response.status, position);
  }
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

const enc = encodeURIComponent;

export interface RunQuery {
  filter?: string;
  order?: string;
  search?: string;
  limit?: number;
  offset?: number;
  columns?: string[];
}

export const api = {
  me: () => request<Me>("/auth/me"),
  login: (name: string, password: string) =>
    request<undefined>("/auth/login", { method: "POST", body: JSON.stringify({ name, password }) }),
  logout: () => request<undefined>("/auth/logout", { method: "POST" }),
  setup: (token: string, name: string, password: string) =>
    request<undefined>("/auth/setup", { method: "POST", body: JSON.stringify({ token, name, password }) }),
  projects: () => request<Project[]>("/projects"),
  runs: (project: string, q: RunQuery = {}) => {
    const params = new URLSearchParams();
    if (q.filter) params.set("filter", q.filter);
    if (q.order) params.set("order", q.order);
    if (q.search) params.set("search", q.search);
    if (q.limit !== undefined) params.set("limit", String(q.limit));
    if (q.offset !== undefined) params.set("offset", String(q.offset));
    if (q.columns) params.set("columns", q.columns.join(","));
    return request<RunPage>(`/projects/${enc(project)}/runs?${params}`);
  },
  run: (project: string, id: string) => request<RunDetail>(`/projects/${enc(project)}/runs/${enc(id)}`),
  columns: (project: string) => request<Columns>(`/projects/${enc(project)}/columns`),
  metricKeys: (project: string, runIds: string[] | null) =>
    request<{ keys: string[] }>(`/projects/${enc(project)}/metric-keys`, {
      method: "POST",
      body: JSON.stringify({ run_ids: runIds }),
    }),
  series: (project: string, body: SeriesRequest) =>
    request<SeriesResponse>(`/projects/${enc(project)}/series`, {
      method: "POST",
      body: JSON.stringify(body),
    }),
  editRun: (project: string, id: string, edit: RunEdit) =>
    request<RunDetail>(`/projects/${enc(project)}/runs/${enc(id)}`, {
      method: "PATCH",
      body: JSON.stringify(edit),
    }),
  deleteRuns: (project: string, ids: string[]) =>
    request<{ deleted: number }>(`/projects/${enc(project)}/runs/delete`, {
      method: "POST",
      body: JSON.stringify({ ids }),
    }),
  capture: (project: string, id: string) =>
    request<CaptureResponse>(`/projects/${enc(project)}/runs/${enc(id)}/capture`),
  console: (project: string, id: string, q: { after?: number; search?: string; stream?: string } = {}) => {
    const params = new URLSearchParams();
    if (q.after !== undefined) params.set("after", String(q.after));
    if (q.search) params.set("search", q.search);
    if (q.stream) params.set("stream", q.stream);
    return request<ConsolePage>(`/projects/${enc(project)}/runs/${enc(id)}/console?${params}`);
  },
  reproductions: (project: string, id: string) =>
    request<{ reproductions: Reproduction[] }>(`/projects/${enc(project)}/runs/${enc(id)}/reproductions`),
  importance: (project: string, body: ImportanceRequest) =>
    request<ImportanceResponse>(`/projects/${enc(project)}/importance`, {
      method: "POST",
      body: JSON.stringify(body),
    }),
  /** The document of a saved view; `view` null: the project's default view. */
  workspace: (project: string, view: string | null = null) =>
    request<Workspace>(`/projects/${enc(project)}/workspace${viewQuery(view)}`),
  saveWorkspace: (project: string, workspace: Workspace, view: string | null = null) =>
    request<Workspace>(`/projects/${enc(project)}/workspace${viewQuery(view)}`, {
      method: "PUT",
      body: JSON.stringify(workspace),
    }),
  views: (project: string) => request<SavedView[]>(`/projects/${enc(project)}/views`),
  createView: (project: string, name: string, workspace: Workspace) =>
    request<SavedView>(`/projects/${enc(project)}/views`, {
      method: "POST",
      body: JSON.stringify({ name, workspace }),
    }),
  changeView: (project: string, name: string, change: { name?: string; default?: true }) =>
    request<SavedView>(`/projects/${enc(project)}/views/${enc(name)}`, {
      method: "PATCH",
      body: JSON.stringify(change),
    }),
  deleteView: (project: string, name: string) =>
    request<null>(`/projects/${enc(project)}/views/${enc(name)}`, { method: "DELETE" }),
};

function viewQuery(view: string | null): string {
  return view === null ? "" : `?${new URLSearchParams({ view })}`;
}
