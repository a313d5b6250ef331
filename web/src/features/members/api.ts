// Fetch helpers for a project's members and visibility, with the server's message on failure.
import { request } from "../../api/client";
import type { MemberKind, ProjectMembers, Role, Visibility } from "./types";

const enc = encodeURIComponent;

function memberPath(project: string, kind: MemberKind, name: string): string {
  return `/projects/${enc(project)}/members/${kind === "user" ? "users" : "teams"}/${enc(name)}`;
}

/** Every change answers with the project's members and visibility as they are now. */
export const membersApi = {
  get: (project: string) => request<ProjectMembers>(`/projects/${enc(project)}/members`),
  grant: (project: string, kind: MemberKind, name: string, role: Role) =>
    request<ProjectMembers>(memberPath(project, kind, name), { method: "PUT", body: JSON.stringify({ role }) }),
  remove: (project: string, kind: MemberKind, name: string) =>
    request<ProjectMembers>(memberPath(project, kind, name), { method: "DELETE" }),
  setVisibility: (project: string, visibility: Visibility) =>
    request<ProjectMembers>(`/projects/${enc(project)}/visibility`, {
      method: "PUT",
      body: JSON.stringify({ visibility }),
    }),
};
