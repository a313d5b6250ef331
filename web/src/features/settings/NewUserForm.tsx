import { useState, type FormEvent } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { usersApi, usersQuery } from "./api";

/** A new user's name, an optional password (none: API keys only) and whether they are a
 * server admin. */
export function NewUserForm({ onMade }: { onMade: (name: string) => void }) {
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const [isAdmin, setIsAdmin] = useState(false);
  const create = useMutation({
    mutationFn: usersApi.create,
    onSuccess: async (made) => {
      setName("");
      setPassword("");
      setIsAdmin(false);
      await queryClient.invalidateQueries({ queryKey: usersQuery.queryKey });
      onMade(made.name);
    },
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    if (name.trim()) create.mutate({ name: name.trim(), is_admin: isAdmin, password: password === "" ? null : password });
  }

  return (
    <form className="users-new" onSubmit={submit} data-testid="user-new-form">
      <input
        className="input"
        value={name}
        maxLength={64}
        placeholder="user name"
        aria-label="New user's name"
        autoComplete="off"
        onChange={(e) => setName(e.target.value)}
        data-testid="user-name"
      />
      <input
        className="input"
        type="password"
        value={password}
        placeholder="password (none: API keys only)"
        aria-label="New user's password"
        autoComplete="new-password"
        onChange={(e) => setPassword(e.target.value)}
        data-testid="user-password"
      />
      <label className="users-admin-choice">
        <input type="checkbox" checked={isAdmin} onChange={(e) => setIsAdmin(e.target.checked)} data-testid="user-admin" />
        server admin
      </label>
      <button type="submit" className="button button-primary" disabled={!name.trim() || create.isPending} data-testid="user-create">
        {create.isPending ? "Adding…" : "Add user"}
      </button>
      {create.isError && (
        <span className="error-text" role="alert" data-testid="user-error">
          {create.error.message}
        </span>
      )}
    </form>
  );
}
