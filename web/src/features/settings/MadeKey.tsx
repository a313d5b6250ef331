import { CopyButton } from "../run/components/CopyButton";
import type { NewApiKey } from "./api";

interface MadeKeyProps {
  made: NewApiKey;
  /** whose key it is, when not the signed-in user's own */
  owner?: string;
  onDone: () => void;
}

/** A key just made, shown this once with a copy button and how to sign in with it. */
export function MadeKey({ made, owner, onDone }: MadeKeyProps) {
  const command = `cairn login ${window.location.origin}`;
  return (
    <section className="keys-made" data-testid="key-made" aria-live="polite">
      <p>
        <strong>
          Copy the key “{made.name}”{owner !== undefined && <> of {owner}</>} now: it is shown only this once.
        </strong>{" "}
        The server keeps only its hash.
      </p>
      <div className="keys-made-row">
        <code className="keys-secret" data-testid="key-secret">
          {made.key}
        </code>
        <CopyButton text={made.key} testId="key-copy" />
      </div>
      <p className="muted">On the machine that runs the scripts, sign in with it (paste the key when asked):</p>
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
