import { useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { absoluteTime, relativeTime } from "../../lib/time";
import { useNow } from "../../lib/useNow";
import { CopyButton } from "../run/components/CopyButton";
import { meQuery } from "../session/queries";
import { keysApi, keysQuery, type ApiKey, type NewApiKey } from "./api";
import "./settings.css";

/** The signed-in user's API keys on a team server: make one (shown once, with the `cairn login`
 * command for this server), see when each was last used, revoke one. */
export function KeysPage() {
  const me = useQuery(meQuery).data;
  if (me && !me.accounts) {
    return (
      <div className="page-message" data-testid="keys-no-accounts">
        <h2>No API keys here</h2>
        <p className="muted">
          This is <code>cairn ui</code>: it has no accounts, and scripts on this machine log to the local store without
          a key. API keys belong to a team server (<code>cairn server</code>).
        </p>
      </div>
    );
  }
  if (me && me.user === null) {
    return (
      <div className="page-message" data-testid="keys-signed-out">
        <h2>Sign in to manage your API keys</h2>
        <p>
          <button type="button" className="link-button" onClick={() => location.assign("/")}>
            Sign in
          </button>
        </p>
      </div>
    );
  }
  return <KeysList />;
}

function KeysList() {
  const keys = useQuery(keysQuery);
  const queryClient = useQueryClient();
  const now = useNow();
  const [made, setMade] = useState<NewApiKey | null>(null);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const revoke = useMutation({
    mutationFn: (key: ApiKey) => keysApi.revoke(key.id),
    onSuccess: async () => {
      setRevoking(null);
      await queryClient.invalidateQueries({ queryKey: keysQuery.queryKey });
    },
  });

  return (
    <div className="page keys-page" data-testid="keys-page">
      <div className="page-header">
        <h1>API keys</h1>
        <span className="muted">
          Scripts and <code>cairn login</code> sign in with a key; it acts as you, on every project you may use.
        </span>
      </div>
      <NewKeyForm
        onMade={async (key) => {
          setMade(key);
          await queryClient.invalidateQueries({ queryKey: keysQuery.queryKey });
        }}
      />
      {made && <MadeKey made={made} onDone={() => setMade(null)} />}
      {keys.isPending ? (
        <p className="muted">Loading keys…</p>
      ) : keys.isError ? (
        <p className="error-text">{keys.error.message}</p>
      ) : keys.data.length === 0 ? (
        <p className="muted" data-testid="keys-empty">
          No API keys yet.
        </p>
      ) : (
        <table className="simple-table keys-table" data-testid="keys-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Key</th>
              <th>Created</th>
              <th>Last used</th>
              <th aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {keys.data.map((key) => (
              <tr key={key.id} data-testid="key-row" data-key-id={key.id}>
                <td>{key.name}</td>
                <td className="mono muted">{key.prefix}…</td>
                <td title={absoluteTime(key.created_at)}>{relativeTime(key.created_at, now)}</td>
                <td title={key.last_used_at === null ? undefined : absoluteTime(key.last_used_at)}>
                  {key.last_used_at === null ? <span className="muted">never</span> : relativeTime(key.last_used_at, now)}
                </td>
                <td className="keys-actions">
                  <button
                    type="button"
                    className="button button-danger-quiet"
                    onClick={() => {
                      revoke.reset();
                      setRevoking(key);
                    }}
                    data-testid="key-revoke"
                  >
                    Revoke
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {revoking && (
        <ConfirmDialog
          title="Revoke this API key?"
          message={
            revoke.isError
              ? revoke.error.message
              : `“${revoking.name}” (${revoking.prefix}…) stops working at once: scripts and machines using it can no longer log or read. This cannot be undone.`
          }
          confirmLabel="Revoke"
          danger
          busy={revoke.isPending}
          onConfirm={() => revoke.mutate(revoking)}
          onCancel={() => setRevoking(null)}
        />
      )}
    </div>
  );
}

function NewKeyForm({ onMade }: { onMade: (key: NewApiKey) => Promise<void> }) {
  const [name, setName] = useState("");
  const create = useMutation({
    mutationFn: (keyName: string) => keysApi.create(keyName),
    onSuccess: async (key) => {
      setName("");
      await onMade(key);
    },
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    if (name.trim()) create.mutate(name.trim());
  }

  return (
    <form className="keys-new" onSubmit={submit} data-testid="key-new-form">
      <input
        className="input"
        value={name}
        maxLength={100}
        placeholder="What it is for, e.g. laptop or CI"
        aria-label="New key's name"
        onChange={(e) => setName(e.target.value)}
        data-testid="key-name"
      />
      <button type="submit" className="button button-primary" disabled={!name.trim() || create.isPending} data-testid="key-create">
        {create.isPending ? "Creating…" : "New key"}
      </button>
      {create.isError && (
        <span className="error-text" role="alert" data-testid="key-error">
          {create.error.message}
        </span>
      )}
    </form>
  );
}

function MadeKey({ made, onDone }: { made: NewApiKey; onDone: () => void }) {
  const command = `cairn login ${window.location.origin}`;
  return (
    <section className="keys-made" data-testid="key-made" aria-live="polite">
      <p>
        <strong>Copy the key “{made.name}” now: it is shown only this once.</strong> The server keeps only its hash.
      </p>
      <div className="keys-made-row">
        <code className="keys-secret" data-testid="key-secret">
          {made.key}
        </code>
        <CopyButton text={made.key} testId="key-copy" />
      </div>
      <p className="muted">On the machine that runs your scripts, sign in with it (paste the key when asked):</p>
      <div className="keys-made-row">
        <code data-testid="key-login-command">{command}</code>
        <CopyButton text={command} testId="key-copy-command" />
      </div>
      <p className="muted">
        In CI, set <code>CAIRN_URL={window.location.origin}</code> and <code>CAIRN_API_KEY</code> to the key instead.
      </p>
      <button type="button" className="button" onClick={onDone} data-testid="key-done">
        Done, I copied it
      </button>
    </section>
  );
}
