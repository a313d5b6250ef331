// Fetch helpers for the artifact endpoints, with the server's message on failure.
import { ApiRequestError } from "../../api/client";
import type { ArtifactRow, Lineage, Preview, RunArtifacts, VersionDetail, VersionRow } from "./types";

const enc = encodeURIComponent;

async function request<T>(path: string, init?: RequestInit): Promise<T> {
  const response = await fetch(`/api/v1${path}`, {
    ...init,
    headers: init?.body ? { "Content-Type": "application/json" } : undefined,
  });
  if (!response.ok) {
    let message = `${response.status} ${response.statusText}`;
    try {
      const body = (await response.json()) as { detail?: unknown };
      if (typeof body.detail === "string") message = body.detail;
      else if (body.detail) message = JSON.stringify(body.detail);
    } catch {
      // not JSON: keep the status line
    }
    throw new ApiRequestError(message, response.status);
  }
  return (await response.json()) as T;
}

export function versionPath(project: string, name: string, version: number | string): string {
  const selector = typeof version === "number" ? `v${version}` : version;
  return `/projects/${enc(project)}/artifacts/${enc(name)}/versions/${enc(selector)}`;
}

function filePath(path: string): string {
  return path.split("/").map(enc).join("/");
}

export function fileUrl(project: string, name: string, version: number, path: string, download = false): string {
  return `/api/v1${versionPath(project, name, version)}/files/${filePath(path)}${download ? "?download=true" : ""}`;
}

export const artifactsApi = {
  list: (project: string) => request<ArtifactRow[]>(`/projects/${enc(project)}/artifacts`),
  versions: (project: string, name: string) =>
    request<VersionRow[]>(`/projects/${enc(project)}/artifacts/${enc(name)}/versions`),
  version: (project: string, name: string, version: number | string) =>
    request<VersionDetail>(versionPath(project, name, version)),
  setAliases: (project: string, name: string, version: number, aliases: string[]) =>
    request<VersionRow>(`${versionPath(project, name, version)}/aliases`, {
      method: "PUT",
      body: JSON.stringify({ aliases }),
    }),
  preview: (project: string, name: string, version: number, path: string) =>
    request<Preview>(`${versionPath(project, name, version)}/preview/${filePath(path)}`),
  runArtifacts: (project: string, runId: string) =>
    request<RunArtifacts>(`/projects/${enc(project)}/runs/${enc(runId)}/artifacts`),
  lineage: (project: string, node: string, hops: number) =>
    request<Lineage>(`/projects/${enc(project)}/lineage?node=${enc(node)}&hops=${hops}`),
};
