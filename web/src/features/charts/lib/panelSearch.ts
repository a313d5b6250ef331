// Searching the workspace's panels by metric name, as W&B's panel search does: plain text matches
// anywhere in a key, ignoring case; text between slashes ("/^val\//") is a regular expression.

export type KeyTest = (key: string) => boolean;

/** The test for `text`; null when it is empty (every panel shows) or an invalid expression. */
export function panelSearch(text: string): { test: KeyTest | null; error: string | null } {
  const query = text.trim();
  if (!query) return { test: null, error: null };
  const slashed = /^\/(.+)\/([a-z]*)$/.exec(query);
  if (slashed) {
    try {
      const flags = slashed[2]?.includes("i") ? "i" : "";
      const pattern = new RegExp(slashed[1] ?? "", flags);
      return { test: (key) => pattern.test(key), error: null };
    } catch (e) {
      return { test: () => false, error: e instanceof Error ? e.message : "not a regular expression" };
    }
  }
  const needle = query.toLowerCase();
  return { test: (key) => key.toLowerCase().includes(needle), error: null };
}
