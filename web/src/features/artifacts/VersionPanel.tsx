// One version: its identity and aliases (editable), description, metadata, producer and users,
// the file browser, and the lineage graph around it.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link } from "react-router-dom";
import { formatNumber } from "../../lib/format";
import { absoluteTime } from "../../lib/time";
import { artifactsApi } from "./api";
import { FileBrowser } from "./FileBrowser";
import { LineageGraph } from "./LineageGraph";
import { formatBytes, parseAliases } from "./layout";
import type { RunRef, VersionDetail } from "./types";

function RunLinks({ project, runs }: { project: string; runs: RunRef[] }) {
  if (!runs.length) return <span className="muted">none</span>;
  return (
    <span className="run-links">
      {runs.map((r) => (
        <Link key={r.id} to={`/p/${encodeURIComponent(project)}/r/${encodeURIComponent(r.id)}?tab=artifacts`}>
          {r.name ?? r.id}
        </Link>
      ))}
    </span>
  );
}

function AliasEditor({ project, version }: { project: string; version: VersionDetail }) {
  const client = useQueryClient();
  const own = version.aliases.filter((a) => a !== "latest");
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState(own.join(", "));
  const parsed = parseAliases(text);
  const save = useMutation({
    mutationFn: () => artifactsApi.setAliases(project, version.name, version.version, parsed.aliases),
    onSuccess: () => {
      setEditing(false);
      void client.invalidateQueries({ queryKey: ["artifact-versions", project, version.name] });
      void client.invalidateQueries({ queryKey: ["artifact-version", project, version.name] });
      void client.invalidateQueries({ queryKey: ["lineage", project] });
    },
  });
  if (!editing) {
    return (
      <span className="alias-list" data-testid="aliases">
        {version.aliases.map((a) => (
          <span key={a} className={`alias-chip${a === "latest" ? " latest" : ""}`}>
            {a}
          </span>
        ))}
        <button
          type="button"
          className="link-button small"
          onClick={() => {
            setText(own.join(", "));
            setEditing(true);
          }}
          data-testid="edit-aliases"
        >
          edit
        </button>
      </span>
    );
  }
  return (
    <form
      className="alias-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (!parsed.error) save.mutate();
      }}
    >
      <input
        className="input"
        value={text}
        autoFocus
        onChange={(e) => setText(e.target.value)}
        placeholder="best, production"
        data-testid="alias-input"
      />
      <button type="submit" className="button button-primary" disabled={!!parsed.error || save.isPending} data-testid="alias-save">
        Save
      </button>
      <button type="button" className="button" onClick={() => setEditing(false)}>
        Cancel
      </button>
      {(parsed.error ?? save.error?.message) && <span className="error-text small">{parsed.error ?? save.error?.message}</span>}
    </form>
  );
}

export function VersionPanel({
  project,
  name,
  version,
  file,
  onFile,
}: {
  project: string;
  name: string;
  version: number;
  file: string | null;
  onFile: (path: string) => void;
}) {
  const detail = useQuery({
    queryKey: ["artifact-version", project, name, version],
    queryFn: () => artifactsApi.version(project, name, version),
  });
  if (detail.error) return <div className="pad error-text">{detail.error.message}</div>;
  const v = detail.data;
  if (!v) return <div className="pad muted">Loading…</div>;
  const metadata = Object.entries(v.metadata);
  return (
    <div className="version-panel" data-testid="version-panel">
      <section className="card">
        <div className="card-header">
          <strong className="mono">
            {v.name}:v{v.version}
          </strong>
          <span className="type-chip">{v.type}</span>
          <AliasEditor key={`${v.id}-${v.aliases.join(",")}`} project={project} version={v} />
        </div>
        <table className="kv-table">
          <tbody>
            {v.description && (
              <tr>
                <td className="kv-key">description</td>
                <td>{v.description}</td>
              </tr>
            )}
            <tr>
              <td className="kv-key">size</td>
              <td className="mono">
                {formatBytes(v.size)} in {v.file_count} files
              </td>
            </tr>
            <tr>
              <td className="kv-key">digest</td>
              <td className="mono small" title={v.digest}>
                {v.digest.slice(0, 16)}…
              </td>
            </tr>
            <tr>
              <td className="kv-key">created</td>
              <td>{absoluteTime(v.created_at)}</td>
            </tr>
            <tr>
              <td className="kv-key">logged by</td>
              <td>
                <RunLinks project={project} runs={v.logged_by} />
              </td>
            </tr>
            <tr>
              <td className="kv-key">used by</td>
              <td data-testid="used-by">
                <RunLinks project={project} runs={v.used_by} />
              </td>
            </tr>
            {metadata.map(([key, value]) => (
              <tr key={key}>
                <td className="kv-key">{key}</td>
                <td className="mono">
                  {typeof value === "string" ? value : typeof value === "number" ? formatNumber(value, 6) : JSON.stringify(value)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <FileBrowser project={project} version={v} selected={file} onSelect={onFile} />
      <LineageGraph project={project} node={`version:${v.id}`} />
    </div>
  );
}
