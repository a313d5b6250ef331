import { useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { userKeysQuery, usersApi, usersQuery, type NewApiKey, type UserInfo } from "./api";
import { KeysTable } from "./KeysTable";
import { MadeKey } from "./MadeKey";
import { NewKeyForm } from "./NewKeyForm";

/** One user's live API keys (make one, shown once; revoke one) and their password. */
export function UserKeys({ user, onClose }: { user: UserInfo; onClose: () => void }) {
  const keys = useQuery(userKeysQuery(user.name));
  const queryClient = useQueryClient();
  const [made, setMade] = useState<NewApiKey | null>(null);
  // the users' listing counts keys: its query key is a prefix of the user's keys', refreshing both
  const refresh = () => queryClient.invalidateQueries({ queryKey: usersQuery.queryKey });

  return (
    <section className="user-keys" data-testid="user-keys" data-user={user.name}>
      <div className="user-keys-header">
        <h2>
          API keys of <span data-testid="user-keys-name">{user.name}</span>
        </h2>
        <span className="muted">A key acts as {user.name}, on every project they may use.</span>
        <button type="button" className="link-button" onClick={onClose} data-testid="user-keys-close">
          Close
        </button>
      </div>
      <NewKeyForm
        label="Make key"
        create={(name) => usersApi.createKey(user.name, name)}
        onMade={async (key) => {
          setMade(key);
          await refresh();
        }}
      />
      {made && <MadeKey made={made} owner={user.name} onDone={() => setMade(null)} />}
      {keys.isPending ? (
        <p className="muted">Loading keys…</p>
      ) : keys.isError ? (
        <p className="error-text">{keys.error.message}</p>
      ) : (
        <KeysTable
          keys={keys.data}
          empty={`${user.name} has no API keys.`}
          owner={user.name}
          onRevoke={async (key) => {
            await usersApi.revokeKey(user.name, key.id);
            await refresh();
          }}
        />
      )}
      <PasswordForm user={user} />
    </section>
  );
}

/** Set or reset the user's password: it signs them out of every browser. */
function PasswordForm({ user }: { user: UserInfo }) {
  const queryClient = useQueryClient();
  const [password, setPassword] = useState("");
  const change = useMutation({
    mutationFn: (value: string) => usersApi.setPassword(user.name, value),
    onSuccess: async () => {
      setPassword("");
      await queryClient.invalidateQueries({ queryKey: usersQuery.queryKey });
    },
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    if (password) change.mutate(password);
  }

  return (
    <form className="users-password" onSubmit={submit} data-testid="user-password-form">
      <h3>{user.has_password ? "Reset password" : "Set a password"}</h3>
      <input
        className="input"
        type="password"
        value={password}
        placeholder="at least 10 characters"
        aria-label={`New password of ${user.name}`}
        autoComplete="new-password"
        onChange={(e) => {
          change.reset();
          setPassword(e.target.value);
        }}
        data-testid="user-password-new"
      />
      <button type="submit" className="button" disabled={!password || change.isPending} data-testid="user-password-set">
        {change.isPending ? "Setting…" : "Set password"}
      </button>
      <span className="muted">Signs {user.name} out of every browser.</span>
      {change.isError && (
        <span className="error-text" role="alert" data-testid="user-password-error">
          {change.error.message}
        </span>
      )}
      {change.isSuccess && (
        <span className="muted" role="status" data-testid="user-password-done">
          Password set; {user.name}'s browser sessions ended.
        </span>
      )}
    </form>
  );
}
