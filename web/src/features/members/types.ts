// A project's members and visibility (GET /projects/{p}/members). Keep in step with
// src/cairn/server/routes/members.py.

export type Role = "viewer" | "editor" | "admin";
export type Visibility = "private" | "team" | "public";
export type MemberKind = "user" | "team";

export interface Member {
  name: string;
  role: Role;
}

export interface ProjectMembers {
  visibility: Visibility;
  /** the signed-in caller's own role (null: none, e.g. after removing themselves) */
  role: Role | null;
  users: Member[];
  teams: Member[];
}

export const ROLES: readonly Role[] = ["viewer", "editor", "admin"];

/** Each visibility, with who may read the project under it (members always may). */
export const VISIBILITIES: readonly { value: Visibility; label: string; who: string }[] = [
  { value: "private", label: "Private", who: "Only its members: users and teams given a role below." },
  { value: "team", label: "Team", who: "Every signed-in user of this server may read it; only members write." },
  { value: "public", label: "Public", who: "Anyone may read it, even signed out; only members write." },
];
