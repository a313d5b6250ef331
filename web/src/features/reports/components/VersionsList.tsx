// The versions of a report, newest first: open one (read-only), compare it with the shown one, or
// restore it as a new version.
import { useQuery } from "@tanstack/react-query";
import type { JSX } from "react";
import { absoluteTime, relativeTime } from "../../../lib/time";
import { useNow } from "../../../lib/useNow";
import { titlesWhereChanged } from "../lib/changes";
import { versionsQuery } from "../queries";

interface VersionsListProps {
  project: string;
  reportId: string;
  latest: number;
  shown: number;
  /** why restoring is not possible now (null: it is) */
  restoreBlocked: string | null;
  onShow: (version: number | null) => void;
  onRestore: (version: number) => void;
  /** compare a version with the shown one (absent: no Compare buttons) */
  onCompare?: (version: number) => void;
}

export function VersionsList(props: VersionsListProps): JSX.Element {
  const versions = useQuery(versionsQuery(props.project, props.reportId));
  const now = useNow();
  const titles = titlesWhereChanged(versions.data ?? []);
  return (
    <aside className="rp-versions" data-testid="versions">
      <h3>Versions</h3>
      {versions.isPending && <div className="muted">Loading…</div>}
      {versions.isError && <div className="error-text">{versions.error.message}</div>}
      <ol>
        {versions.data?.map((v, i) => (
          <li
            key={v.version}
            className={v.version === props.shown ? "rp-version-current" : undefined}
            title={v.title === null ? "Title not recorded (saved before Cairn versioned titles)" : `Title: ${v.title}`}
            data-testid="version-row"
            data-version={v.version}
          >
            <button type="button" className="link-button" onClick={() => props.onShow(v.version === props.latest ? null : v.version)} data-testid="version-show">
              v{v.version}
            </button>
            {titles[i] ? (
              <span className="rp-version-title" data-testid="version-title">
                “{titles[i]}”
              </span>
            ) : null}
            <span className="muted small" title={absoluteTime(v.created_at)}>
              {relativeTime(v.created_at, now)}
              {v.author ? ` · ${v.author}` : ""} · {v.block_count} {v.block_count === 1 ? "block" : "blocks"}
            </span>
            {props.onCompare && v.version !== props.shown && (
              <button
                type="button"
                className="link-button"
                title={`Show what changed between v${Math.min(v.version, props.shown)} and v${Math.max(v.version, props.shown)}`}
                onClick={() => props.onCompare?.(v.version)}
                data-testid="version-compare"
              >
                Compare
              </button>
            )}
            {v.version !== props.latest && (
              <button
                type="button"
                className="link-button rp-restore"
                disabled={props.restoreBlocked !== null}
                title={props.restoreBlocked ?? `Save v${v.version}'s blocks, title and description again as a new version`}
                onClick={() => props.onRestore(v.version)}
                data-testid="version-restore"
              >
                Restore
              </button>
            )}
          </li>
        ))}
      </ol>
    </aside>
  );
}
