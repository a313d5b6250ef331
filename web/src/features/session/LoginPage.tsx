import { useState, type FormEvent } from "react";
import { api } from "../../api/client";
import { useSessionAction } from "./useSessionAction";

interface LoginPageProps {
  /** Go on signed out: only public projects are readable. */
  onBrowsePublic: () => void;
}

/** Sign in to a team server (`cairn server`) with a user name and password. */
export function LoginPage({ onBrowsePublic }: LoginPageProps) {
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const { busy, error, run } = useSessionAction();

  function submit(event: FormEvent) {
    event.preventDefault();
    void run(() => api.login(name, password));
  }

  return (
    <div className="login-page" data-testid="login-page">
      <form className="login-card" onSubmit={submit}>
        <h2>
          <span className="logo-mark" aria-hidden>
            ▲
          </span>{" "}
          Sign in to cairn
        </h2>
        <label>
          User name
          <input
            autoFocus
            autoComplete="username"
            value={name}
            onChange={(e) => setName(e.target.value)}
            data-testid="login-name"
          />
        </label>
        <label>
          Password
          <input
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            data-testid="login-password"
          />
        </label>
        {error && (
          <p className="login-error" role="alert" data-testid="login-error">
            {error}
          </p>
        )}
        <button type="submit" className="button button-primary" disabled={busy || !name || !password} data-testid="login-submit">
          {busy ? "Signing in…" : "Sign in"}
        </button>
        <p className="muted login-hint">
          No password? A server admin sets one with <code>cairn admin user password NAME</code>. Scripts use an API
          key: once signed in, make one under your name at the top right.
        </p>
        <button type="button" className="link-button" onClick={onBrowsePublic} data-testid="browse-public">
          Browse public projects without signing in
        </button>
      </form>
    </div>
  );
}
