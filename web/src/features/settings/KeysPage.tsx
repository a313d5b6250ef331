import { useState } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { meQuery } from "../session/queries";
import { keysApi, keysQuery, type NewApiKey } from "./api";
import { KeysTable } from "./KeysTable";
import { MadeKey } from "./MadeKey";
import { NewKeyForm } from "./NewKeyForm";
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
  const [made, setMade] = useState<NewApiKey | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: keysQuery.queryKey });

  return (
    <div className="page keys-page" data-testid="keys-page">
      <div className="page-header">
        <h1>API keys</h1>
        <span className="muted">
          Scripts and <code>cairn login</code> sign in with a key; it acts as you, on every project you may use.
        </span>
      </div>
      <NewKeyForm
        create={keysApi.create}
        onMade={async (key) => {
          setMade(key);
          await refresh();
        }}
      />
      {made && <MadeKey made={made} onDone={() => setMade(null)} />}
      {keys.isPending ? (
        <p className="muted">Loading keys…</p>
      ) : keys.isError ? (
        <p className="error-text">{keys.error.message}</p>
      ) : (
        <KeysTable
          keys={keys.data}
          empty="No API keys yet."
          onRevoke={async (key) => {
            await keysApi.revoke(key.id);
            await refresh();
          }}
        />
      )}
    </div>
  );
}
