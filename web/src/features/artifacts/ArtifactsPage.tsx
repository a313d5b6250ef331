// /p/:project/artifacts — artifacts grouped by type (left), the selected artifact's versions
// (aliases, size, files, producer, created), and the selected version's details, files and
// lineage. The selection lives in the URL: ?a=<name>&v=<version>&f=<file>.
import { useQuery } from "@tanstack/react-query";
import { Link, useParams, useSearchParams } from "react-router-dom";
import { relativeTime } from "../../lib/time";
import { artifactsApi } from "./api";
import { formatBytes } from "./layout";
import type { ArtifactRow } from "./types";
import { VersionPanel } from "./VersionPanel";
import "./artifacts.css";

function groupByType(rows: ArtifactRow[]): [string, ArtifactRow[]][] {
  const groups = new Map<string, ArtifactRow[]>();
  for (const row of rows) groups.set(row.type, [...(groups.get(row.type) ?? []), row]);
  return [...groups.entries()];
}

function VersionsTable({
  project,
  name,
  selected,
  onSelect,
}: {
  project: string;
  name: string;
  selected: number | null;
  onSelect: (version: number) => void;
}) {
  const versions = useQuery({
    queryKey: ["artifact-versions", project, name],
    queryFn: () => artifactsApi.versions(project, name),
  });
  if (versions.error) return <div className="pad error-text">{versions.error.message}</div>;
  return (
    <section className="card" data-testid="versions">
      <div className="card-header">
        <strong>{name}</strong>
        <span className="muted small">{versions.data?.length ?? "…"} versions</span>
      </div>
      <table className="kv-table versions-table">
        <thead>
          <tr>
            <th>version</th>
            <th>aliases</th>
            <th className="num">size</th>
            <th className="num">files</th>
            <th>producer</th>
            <th>created</th>
          </tr>
        </thead>
        <tbody>
          {versions.data?.map((v) => (
            <tr
              key={v.id}
              className={`clickable${v.version === selected ? " selected" : ""}`}
              onClick={() => onSelect(v.version)}
              data-testid="version-row"
            >
              <td className="mono strong">v{v.version}</td>
              <td>
                {v.aliases.map((a) => (
                  <span key={a} className={`alias-chip${a === "latest" ? " latest" : ""}`}>
                    {a}
                  </span>
                ))}
              </td>
              <td className="num mono">{formatBytes(v.size)}</td>
              <td className="num mono">{v.file_count}</td>
              <td>
                {v.producer ? (
                  <Link
                    to={`/p/${encodeURIComponent(project)}/r/${encodeURIComponent(v.producer.id)}?tab=artifacts`}
                    onClick={(e) => e.stopPropagation()}
                  >
                    {v.producer.name ?? v.producer.id}
                  </Link>
                ) : (
                  <span className="muted">deleted run</span>
                )}
              </td>
              <td className="muted" title={new Date(v.created_at * 1000).toLocaleString()}>
                {relativeTime(v.created_at)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

export function ArtifactsPage() {
  const project = useParams().project ?? "";
  const [params, setParams] = useSearchParams();
  const list = useQuery({ queryKey: ["artifacts", project], queryFn: () => artifactsApi.list(project) });
  const rows = list.data ?? [];
  const name = params.get("a") ?? rows[0]?.name ?? null;
  const current = rows.find((r) => r.name === name) ?? null;
  const versionParam = params.get("v");
  const version = versionParam !== null && /^\d+$/.test(versionParam) ? Number(versionParam) : (current?.latest ?? null);

  const select = (next: { a?: string; v?: number | null; f?: string | null }) =>
    setParams((prev) => {
      const p = new URLSearchParams(prev);
      if (next.a !== undefined) {
        p.set("a", next.a);
        p.delete("v");
        p.delete("f");
      }
      if (next.v !== undefined) {
        if (next.v === null) p.delete("v");
        else p.set("v", String(next.v));
        p.delete("f");
      }
      if (next.f !== undefined) {
        if (next.f === null) p.delete("f");
        else p.set("f", next.f);
      }
      return p;
    });

  if (list.error) return <div className="page error-text">{list.error.message}</div>;
  if (list.data && rows.length === 0) {
    return (
      <div className="empty-state" data-testid="artifacts-empty">
        <h2>No artifacts in {project} yet</h2>
        <p className="muted">Version a dataset or a model from a run:</p>
        <pre className="snippet">{`art = cairn.Artifact("digits-train", type="dataset")
art.add_file("train.csv")
run.log_artifact(art, aliases=["best"])`}</pre>
      </div>
    );
  }
  return (
    <div className="artifacts-page" data-testid="artifacts-page">
      <aside className="artifact-list" data-testid="artifact-list">
        {groupByType(rows).map(([type, group]) => (
          <div key={type} className="artifact-group">
            <div className="artifact-group-title">
              {type} <span className="muted">({group.length})</span>
            </div>
            {group.map((a) => (
              <button
                type="button"
                key={a.name}
                className={`artifact-item${a.name === name ? " selected" : ""}`}
                onClick={() => select({ a: a.name })}
                data-testid="artifact-item"
              >
                <span className="artifact-name">{a.name}</span>
                <span className="muted small">
                  {a.versions} v · {formatBytes(a.size)}
                </span>
              </button>
            ))}
          </div>
        ))}
      </aside>
      <div className="artifact-main">
        {name && (
          <VersionsTable project={project} name={name} selected={version} onSelect={(v) => select({ v })} />
        )}
        {name && version !== null && (
          <VersionPanel
            key={`${name}:${version}`}
            project={project}
            name={name}
            version={version}
            file={params.get("f")}
            onFile={(f) => select({ f })}
          />
        )}
      </div>
    </div>
  );
}
