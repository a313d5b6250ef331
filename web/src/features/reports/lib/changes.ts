// Words for the differences between two versions of a report, shown in the diff view.
import type { JsonValue } from "../../../api/types";
import type { BlockChange, VersionDiff, VersionInfo } from "../api";

/** A field's value as one short line of text ("none" when it is absent; a frozen panel's data
 * as how many runs it holds and when it was taken). */
export function fieldText(value: JsonValue | undefined, field = ""): string {
  if (value === null || value === undefined) return "none";
  if (field === "data" && typeof value === "object" && !Array.isArray(value) && typeof value.taken_at === "number") {
    const runs = Array.isArray(value.runs) ? value.runs.length : 0;
    return `${runs} ${runs === 1 ? "run" : "runs"}, taken ${new Date(value.taken_at * 1000).toISOString().replace("T", " ").slice(0, 19)} UTC`;
  }
  if (typeof value === "string") return value;
  const text = JSON.stringify(value);
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}

/** What happened to the block, with its place in each version (1-based, as people count). */
export function changeTitle(change: BlockChange): string {
  const name: string = (change.new ?? change.old)?.kind ?? "?";
  const kind = name === "markdown" ? "Markdown" : name === "bibtex" ? "BibTeX" : name === "picture" ? "Image" : `${name} panel`;
  const from = change.old_index === null ? "" : `block ${change.old_index + 1}`;
  const to = change.new_index === null ? "" : `block ${change.new_index + 1}`;
  if (change.change === "added") return `${kind} added as ${to}`;
  if (change.change === "removed") return `${kind} removed (was ${from})`;
  if (change.change === "moved") return `${kind} moved from ${from} to ${to}`;
  return from === to ? `${kind} changed (${from})` : `${kind} changed (${from}, now ${to})`;
}

/** The title's and description's changes as field rows (none when neither changed). */
export function headingRows(diff: VersionDiff): BlockChange["fields"] {
  const rows: BlockChange["fields"] = [];
  if (diff.title) rows.push({ field: "title", old: diff.title.old, new: diff.title.new });
  if (diff.description) rows.push({ field: "description", old: diff.description.old, new: diff.description.new });
  return rows;
}

/** Of versions listed newest first, the title to show beside each: the one it was saved with
 * when that differs from the newer version's after it (null otherwise, the newest's too, and
 * for a version that did not record its title). */
export function titlesWhereChanged(versions: readonly VersionInfo[]): (string | null)[] {
  return versions.map((v, i) => {
    const newer = i > 0 ? (versions[i - 1]?.title ?? null) : null;
    return v.title !== null && newer !== null && v.title !== newer ? v.title : null;
  });
}
