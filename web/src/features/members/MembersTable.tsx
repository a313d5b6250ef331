import { ROLES, type Member, type MemberKind, type Role } from "./types";

interface MembersTableProps {
  users: Member[];
  teams: Member[];
  /** absent: shown, not changeable (the caller is not an admin of the project) */
  onRole?: (kind: MemberKind, name: string, role: Role) => void;
  onRemove?: (kind: MemberKind, name: string) => void;
  disabled?: boolean;
}

/** The project's users, then its teams, each with a role select and Remove for its admins. */
export function MembersTable({ users, teams, onRole, onRemove, disabled }: MembersTableProps) {
  const rows: { kind: MemberKind; member: Member }[] = [
    ...users.map((member) => ({ kind: "user" as const, member })),
    ...teams.map((member) => ({ kind: "team" as const, member })),
  ];
  if (rows.length === 0) return <p className="muted">No members: only server admins manage this project.</p>;
  return (
    <table className="simple-table members-table" data-testid="members-table">
      <thead>
        <tr>
          <th>Name</th>
          <th>Kind</th>
          <th>Role</th>
          {onRemove && <th aria-label="Remove" />}
        </tr>
      </thead>
      <tbody>
        {rows.map(({ kind, member }) => (
          <tr key={`${kind}:${member.name}`} data-testid="member-row" data-member={`${kind}:${member.name}`}>
            <td className="strong">{member.name}</td>
            <td className="muted">{kind === "team" ? "team (every member)" : "user"}</td>
            <td>
              {onRole ? (
                <select
                  aria-label={`Role of ${member.name}`}
                  value={member.role}
                  disabled={disabled}
                  onChange={(e) => onRole(kind, member.name, e.target.value as Role)}
                  data-testid="member-role"
                >
                  {ROLES.map((role) => (
                    <option key={role} value={role}>
                      {role}
                    </option>
                  ))}
                </select>
              ) : (
                member.role
              )}
            </td>
            {onRemove && (
              <td className="num">
                <button
                  type="button"
                  className="button button-danger-quiet"
                  disabled={disabled}
                  onClick={() => onRemove(kind, member.name)}
                  data-testid="member-remove"
                >
                  Remove
                </button>
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
