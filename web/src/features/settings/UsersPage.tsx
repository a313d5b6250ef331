import { useQuery } from "@tanstack/react-query";
import { Link, useSearchParams } from "react-router-dom";
import { meQuery } from "../session/queries";
import { usersQuery } from "./api";
import { NewUserForm } from "./NewUserForm";
import { UserKeys } from "./UserKeys";
import { UsersTable } from "./UsersTable";
import "./settings.css";

/** A server admin's users on a team server: who may sign in (role, password or keys only, keys,
 * last use), a form to add one, and a chosen user's keys (`?user=`): make one, revoke one, and
 * set their password. */
export function UsersPage() {
  const me = useQuery(meQuery).data;
  if (me && !me.accounts) {
    return (
      <div className="page-message" data-testid="users-no-accounts">
        <h2>No users here</h2>
        <p className="muted">
          This is <code>cairn ui</code>: it has no accounts. Users and API keys belong to a team server (
          <code>cairn server</code>).
        </p>
      </div>
    );
  }
  if (me && me.user === null) {
    return (
      <div className="page-message" data-testid="users-signed-out">
        <h2>Sign in to manage users</h2>
        <p>
          <button type="button" className="link-button" onClick={() => location.assign("/")}>
            Sign in
          </button>
        </p>
      </div>
    );
  }
  if (me && !me.is_admin) {
    return (
      <div className="page-message" data-testid="users-not-admin">
        <h2>This page is for server admins</h2>
        <p className="muted">
          Ask a server admin to add users or make keys for them. Your own keys are on{" "}
          <Link to="/settings/keys">API keys</Link>.
        </p>
      </div>
    );
  }
  return <UsersAdmin />;
}

function UsersAdmin() {
  const users = useQuery(usersQuery);
  const [params, setParams] = useSearchParams();
  const chosen = params.get("user");
  const choose = (name: string | null) => setParams(name === null ? {} : { user: name });
  const user = users.data?.find((u) => u.name === chosen);

  return (
    <div className="page users-page" data-testid="users-page">
      <div className="page-header">
        <h1>Users</h1>
        <span className="muted">
          Who may sign in to this server. A server admin has every role on every project; a user without a password
          signs in with API keys only.
        </span>
      </div>
      <NewUserForm onMade={(name) => choose(name)} />
      {users.isPending ? (
        <p className="muted">Loading users…</p>
      ) : users.isError ? (
        <p className="error-text">{users.error.message}</p>
      ) : (
        <UsersTable users={users.data} chosen={chosen} onChoose={choose} />
      )}
      {user && <UserKeys key={user.name} user={user} onClose={() => choose(null)} />}
      {chosen === null && users.data && (
        <p className="muted users-hint">
          A user’s <strong>Keys and password</strong> lists their API keys: make one for them (a user without a password
          gets theirs this way), revoke one, or set their password.
        </p>
      )}
      {chosen !== null && users.data && !user && (
        <p className="error-text" data-testid="users-unknown">
          There is no user named “{chosen}” on this server.
        </p>
      )}
    </div>
  );
}
