import { useState, type FormEvent } from "react";
import { ROLES, type MemberKind, type Role } from "./types";

interface AddMemberFormProps {
  /** resolves true when the member was added (the form then empties) */
  onAdd: (kind: MemberKind, name: string, role: Role) => Promise<boolean>;
  disabled?: boolean;
}

/** A user's or a team's name and a role: gives them that role on the project. */
export function AddMemberForm({ onAdd, disabled }: AddMemberFormProps) {
  const [kind, setKind] = useState<MemberKind>("user");
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role>("viewer");

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (await onAdd(kind, name.trim(), role)) setName("");
  }

  return (
    <form className="add-member" onSubmit={submit} data-testid="add-member">
      <select aria-label="User or team" value={kind} onChange={(e) => setKind(e.target.value as MemberKind)} data-testid="add-member-kind">
        <option value="user">User</option>
        <option value="team">Team</option>
      </select>
      <input
        aria-label={kind === "user" ? "User name" : "Team name"}
        placeholder={kind === "user" ? "user name" : "team name"}
        value={name}
        onChange={(e) => setName(e.target.value)}
        data-testid="add-member-name"
      />
      <select aria-label="Role" value={role} onChange={(e) => setRole(e.target.value as Role)} data-testid="add-member-role">
        {ROLES.map((r) => (
          <option key={r} value={r}>
            {r}
          </option>
        ))}
      </select>
      <button type="submit" className="button button-primary" disabled={disabled || name.trim() === ""} data-testid="add-member-submit">
        Add member
      </button>
    </form>
  );
}
