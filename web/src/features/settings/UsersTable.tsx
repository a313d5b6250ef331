import { absoluteTime, relativeTime } from "../../lib/time";
import { useNow } from "../../lib/useNow";
import type { UserInfo } from "./api";

interface UsersTableProps {
  users: UserInfo[];
  /** the user whose keys are open below, if any */
  chosen: string | null;
  onChoose: (name: string) => void;
}

/** Every user: name, role, how they sign in, live keys, last use of a key, created. */
export function UsersTable({ users, chosen, onChoose }: UsersTableProps) {
  const now = useNow();
  return (
    <table className="simple-table users-table" data-testid="users-table">
      <thead>
        <tr>
          <th>Name</th>
          <th>Role</th>
          <th>Signs in with</th>
          <th className="num">Keys</th>
          <th>Key last used</th>
          <th>Created</th>
          <th aria-label="Actions" />
        </tr>
      </thead>
      <tbody>
        {users.map((user) => (
          <tr
            key={user.name}
            className={user.name === chosen ? "chosen" : undefined}
            data-testid="user-row"
            data-user={user.name}
          >
            <td className="strong">{user.name}</td>
            <td>
              <span className={user.is_admin ? "role-badge role-admin" : "role-badge"} data-testid="user-role">
                {user.is_admin ? "server admin" : "user"}
              </span>
            </td>
            <td className={user.has_password ? undefined : "muted"} data-testid="user-login">
              {user.has_password ? "password and keys" : "keys only"}
            </td>
            <td className="num" data-testid="user-key-count">
              {user.keys}
            </td>
            <td title={user.last_used_at === null ? undefined : absoluteTime(user.last_used_at)}>
              {user.last_used_at === null ? <span className="muted">never</span> : relativeTime(user.last_used_at, now)}
            </td>
            <td title={absoluteTime(user.created_at)}>{relativeTime(user.created_at, now)}</td>
            <td className="keys-actions">
              <button
                type="button"
                className="button"
                aria-pressed={user.name === chosen}
                onClick={() => onChoose(user.name)}
                data-testid="user-open"
              >
                Keys and password
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
