import { useQuery } from "@tanstack/react-query";
import { NavLink } from "react-router-dom";
import type { Me } from "../../api/types";
import { membersQuery } from "./queries";

/** "Settings" in a project's navigation, for its admins (and server admins) on a team server. */
export function SettingsLink({ project, me }: { project: string; me?: Me }) {
  const signedIn = me?.accounts === true && me.user !== null;
  const members = useQuery({ ...membersQuery(project), enabled: signedIn && !me?.is_admin });
  if (!signedIn || !(me?.is_admin || members.data?.role === "admin")) return null;
  return (
    <NavLink to={`/p/${encodeURIComponent(project)}/settings`} data-testid="nav-settings">
      Settings
    </NavLink>
  );
}
