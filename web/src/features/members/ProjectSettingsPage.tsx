import { useQuery } from "@tanstack/react-query";
import { useParams } from "react-router-dom";
import { meQuery } from "../session/queries";
import { AddMemberForm } from "./AddMemberForm";
import { membersApi } from "./api";
import { MembersTable } from "./MembersTable";
import { membersQuery } from "./queries";
import { useMembersChange } from "./useMembersChange";
import { VisibilityChoice } from "./VisibilityChoice";
import "./members.css";

/** A project's settings on a team server: who may read it (visibility) and its members' roles,
 * changed by its admins; shown read-only to its other signed-in readers. */
export function ProjectSettingsPage() {
  const project = useParams().project ?? "";
  const me = useQuery(meQuery).data;
  const signedIn = me?.accounts === true && me.user !== null;
  const members = useQuery({ ...membersQuery(project), enabled: signedIn });
  const { busy, error, run } = useMembersChange(project);

  if (me && !me.accounts) {
    return (
      <div className="page-message muted" data-testid="settings-local">
        <code>cairn ui</code> has no accounts: every project here is yours. Members and visibility belong to a team
        server (<code>cairn server</code>).
      </div>
    );
  }
  if (!signedIn) return <div className="page-message muted">Sign in to see this project's members.</div>;
  if (members.isPending) return <div className="page-message muted">Loading members…</div>;
  if (members.isError) return <div className="page-message error-text">{members.error.message}</div>;

  const data = members.data;
  const admin = data.role === "admin"; // server admins are admins of every project
  return (
    <div className="page settings-page" data-testid="settings-page">
      <div className="page-header">
        <h1>Settings</h1>
        <span className="muted">
          {admin ? "You manage this project." : `You are ${data.role ?? "no longer a member"} here: only its admins change these.`}
        </span>
      </div>
      {error && (
        <p className="error-text settings-error" role="alert" data-testid="settings-error">
          {error}
        </p>
      )}
      <section className="settings-section">
        <h2>Visibility</h2>
        <VisibilityChoice
          value={data.visibility}
          disabled={busy}
          onChange={admin ? (v) => void run(() => membersApi.setVisibility(project, v)) : undefined}
        />
      </section>
      <section className="settings-section">
        <h2>Members</h2>
        <p className="muted small">
          viewer: reads · editor: also logs runs and edits runs, reports, sweeps · admin: also manages members. A
          user's role is the highest of their own and their teams'.
        </p>
        <MembersTable
          users={data.users}
          teams={data.teams}
          disabled={busy}
          onRole={admin ? (kind, name, role) => void run(() => membersApi.grant(project, kind, name, role)) : undefined}
          onRemove={admin ? (kind, name) => void run(() => membersApi.remove(project, kind, name)) : undefined}
        />
        {admin && (
          <AddMemberForm disabled={busy} onAdd={(kind, name, role) => run(() => membersApi.grant(project, kind, name, role))} />
        )}
      </section>
    </div>
  );
}
