// Fetch helpers for the artifact endpoints, with the server's message on failure.
import { request } from "../../api/client";
import type { ArtifactRow, Lineage, Preview, RunArtifacts, VersionDetail, VersionRow } from "./types";

const enc = encodeURIComponent;

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
