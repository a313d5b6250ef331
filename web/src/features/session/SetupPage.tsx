import { useState, type FormEvent } from "react";
import { useNavigate } from "react-router-dom";
import { api } from "../../api/client";
import { useSessionAction } from "./useSessionAction";

/** The token of the one-time setup link `cairn server` prints (`/setup#token=…`). */
export function setupToken(hash: string): string | null {
  return new URLSearchParams(hash.replace(/^#/, "")).get("token");
}

/** Create the first admin of a team server from its one-time setup link. */
export function SetupPage() {
  const navigate = useNavigate();
  const token = setupToken(window.location.hash);
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  // then drop the used token from the address bar
  const { busy, error, run } = useSessionAction(() => navigate("/", { replace: true }));

  function submit(event: FormEvent) {
    event.preventDefault();
    if (token !== null) void run(() => api.setup(token, name, password));
  }

  return (
    <div className="login-page" data-testid="setup-page">
      <form className="login-card" onSubmit={submit}>
        <h2>
          <span className="logo-mark" aria-hidden>
            ▲
          </span>{" "}
          Set up this Cairn server
        </h2>
        {token === null ? (
          <p className="login-error" role="alert">
            This page needs the setup link <code>cairn server</code> printed (it ends with <code>#token=…</code>).
          </p>
        ) : (
          <p className="muted login-hint">Create the first user: a server admin, who can then add others.</p>
        )}
        <label>
          User name
          <input
            autoFocus
            autoComplete="username"
            value={name}
            onChange={(e) => setName(e.target.value)}
            data-testid="setup-name"
          />
        </label>
        <label>
          Password (at least 10 characters)
          <input
            type="password"
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            data-testid="setup-password"
          />
        </label>
        {error && (
          <p className="login-error" role="alert" data-testid="setup-error">
            {error}
          </p>
        )}
        <button
          type="submit"
          className="button button-primary"
          disabled={busy || token === null || !name || !password}
          data-testid="setup-submit"
        >
          {busy ? "Creating…" : "Create admin and sign in"}
        </button>
      </form>
    </div>
  );
}
