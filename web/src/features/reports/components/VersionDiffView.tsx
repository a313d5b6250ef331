// Two versions of a report side by side, block by block: what was added, removed, moved and
// changed (a panel's changed fields, a Markdown block's lines), after the title's and
// description's changes. Every text is React text.
import { useQuery } from "@tanstack/react-query";
import type { JSX } from "react";
import type { JsonValue } from "../../../api/types";
import type { BlockChange, VersionDiff } from "../api";
import { PictureView } from "./PictureBlock";
import { changeTitle, fieldText, headingRows } from "../lib/changes";
import { diffQuery } from "../queries";

interface VersionDiffViewProps {
  project: string;
  reportId: string;
  a: number;
  b: number;
  onClose: () => void;
}

function BlockText({ project, change }: { project: string; change: BlockChange }): JSX.Element | null {
  const block = change.new ?? change.old;
  if (block === null) return null;
  if ("text" in block && typeof block.text === "string") return <pre className="rp-diff-text">{block.text}</pre>;
  // a panel or an image added or removed: its settings (a frozen panel's data is left out)
  const rows = Object.entries(block).filter(([k]) => k !== "data").map(([field, value]) => ({ field, old: null, new: value as JsonValue }));
  if (block.kind === "picture") {
    return (
      <>
        <PictureView project={project} block={block} />
        <Fields rows={rows} single />
      </>
    );
  }
  return <Fields rows={rows} single />;
}

/** Field, old value (red), new value (green); `single`: only the values, of a whole block. */
function Fields({ rows, single = false }: { rows: BlockChange["fields"]; single?: boolean }): JSX.Element {
  return (
    <table className="rp-diff-fields" data-testid="diff-fields">
      <tbody>
        {rows.map((f) => (
          <tr key={f.field} data-testid="diff-field" data-field={f.field}>
            <th>{f.field}</th>
            {!single && <td className="rp-diff-removed">{fieldText(f.old, f.field)}</td>}
            <td className={single ? undefined : "rp-diff-added"}>{fieldText(f.new, f.field)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Lines({ lines }: { lines: NonNullable<BlockChange["lines"]> }): JSX.Element {
  return (
    <pre className="rp-diff-text">
      {lines.map((line, i) => (
        <div key={i} className={`rp-diff-line rp-diff-${line.op}`} data-testid={`diff-line-${line.op}`}>
          <span className="rp-diff-mark">{line.op === "added" ? "+" : line.op === "removed" ? "−" : " "}</span>
          {line.text}
        </div>
      ))}
    </pre>
  );
}

/** The report's title and description, when they changed, before the blocks. */
function HeadingChanges({ diff }: { diff: VersionDiff }): JSX.Element | null {
  const rows = headingRows(diff);
  if (rows.length === 0) return null;
  return (
    <section className="rp-diff-change rp-diff-is-changed" data-testid="diff-heading">
      <h4>{diff.title && diff.description ? "Title and description changed" : diff.title ? "Title changed" : "Description changed"}</h4>
      <Fields rows={rows} />
    </section>
  );
}

function ChangeView({ project, change }: { project: string; change: BlockChange }): JSX.Element {
  return (
    <section className={`rp-diff-change rp-diff-is-${change.change}`} data-testid="diff-change" data-change={change.change}>
      <h4>{changeTitle(change)}</h4>
      {change.change === "changed" ? (
        change.lines !== null ? <Lines lines={change.lines} /> : <Fields rows={change.fields} />
      ) : change.change !== "moved" ? (
        <BlockText project={project} change={change} />
      ) : null}
    </section>
  );
}

export function VersionDiffView(props: VersionDiffViewProps): JSX.Element {
  const diff = useQuery(diffQuery(props.project, props.reportId, props.a, props.b));
  return (
    <article className="rp-diff" data-testid="version-diff">
      <div className="rp-banner">
        Changes from v{props.a} to v{props.b}
        {diff.data && ` · ${diff.data.changes.length} ${diff.data.changes.length === 1 ? "block" : "blocks"} differ`}
        <button type="button" className="link-button" onClick={props.onClose} data-testid="diff-close">
          Close the comparison
        </button>
      </div>
      {diff.isPending && <div className="muted">Loading…</div>}
      {diff.isError && <div className="error-text">{diff.error.message}</div>}
      {diff.data && <HeadingChanges diff={diff.data} />}
      {diff.data?.changes.length === 0 && <div className="muted">The two versions have the same blocks.</div>}
      {diff.data?.changes.map((change, i) => <ChangeView key={i} project={props.project} change={change} />)}
    </article>
  );
}
