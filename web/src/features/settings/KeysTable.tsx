import { useState } from "react";
import { useMutation } from "@tanstack/react-query";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { absoluteTime, relativeTime } from "../../lib/time";
import { useNow } from "../../lib/useNow";
import type { ApiKey } from "./api";

interface KeysTableProps {
  keys: ApiKey[];
  /** revokes the key (and refreshes what lists it); asked only once the user confirmed */
  onRevoke: (key: ApiKey) => Promise<unknown>;
  /** shown when there is no key */
  empty: string;
  /** whose keys they are, when not the signed-in user's own */
  owner?: string;
}

/** Live API keys (name, first characters, created, last used), each with Revoke behind a
 * confirmation: a user's own on the API keys page, any user's on the Users page. */
export function KeysTable({ keys, onRevoke, empty, owner }: KeysTableProps) {
  const now = useNow();
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const revoke = useMutation({ mutationFn: onRevoke, onSuccess: () => setRevoking(null) });
  if (keys.length === 0) {
    return (
      <p className="muted" data-testid="keys-empty">
        {empty}
      </p>
    );
  }
  return (
    <>
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
          {keys.map((key) => (
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
      {revoking && (
        <ConfirmDialog
          title={owner === undefined ? "Revoke this API key?" : `Revoke this API key of ${owner}?`}
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
    </>
  );
}
