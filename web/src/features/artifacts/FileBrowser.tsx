// A version's files: the list (path, size, hash or reference) and a preview of the selected one:
// text, CSV/Parquet as a table, images inline; every stored file has a download link.
import { useQuery } from "@tanstack/react-query";
import { artifactsApi, fileUrl } from "./api";
import { formatBytes } from "./layout";
import type { FileEntry, VersionDetail } from "./types";

function PreviewPane({ project, version, file }: { project: string; version: VersionDetail; file: FileEntry }) {
  const stored = !file.ref;
  const preview = useQuery({
    queryKey: ["artifact-preview", version.id, file.path],
    queryFn: () => artifactsApi.preview(project, version.name, version.version, file.path),
    enabled: stored,
  });
  if (!stored) {
    return (
      <div className="pad small" data-testid="file-preview">
        A reference, not stored here: <span className="mono">{file.ref}</span>
        {file.etag ? <div className="muted">ETag {file.etag}</div> : null}
      </div>
    );
  }
  if (preview.error) return <div className="pad error-text">{preview.error.message}</div>;
  const data = preview.data;
  if (!data) return <div className="pad muted">Loading…</div>;
  if (data.kind === "image") {
    return (
      <div className="pad" data-testid="file-preview">
        <img className="artifact-image" src={fileUrl(project, version.name, version.version, file.path)} alt={file.path} />
      </div>
    );
  }
  if (data.kind === "table") {
    return (
      <div className="preview-table-wrap" data-testid="file-preview">
        <table className="preview-table">
          <thead>
            <tr>
              {data.columns?.map((c, i) => (
                <th key={i}>{c}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {data.rows?.map((row, r) => (
              <tr key={r}>
                {row.map((cell, c) => (
                  <td key={c}>{cell === null ? "" : String(cell)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
        <div className="small muted pad-s">
          {data.rows?.length ?? 0} rows shown
          {data.total_rows !== null ? ` of ${data.total_rows}` : ""}
          {data.truncated ? " (preview cut)" : ""}
        </div>
      </div>
    );
  }
  if (data.kind === "binary") return <div className="pad muted" data-testid="file-preview">Binary file: download it to look inside.</div>;
  return (
    <pre className="preview-text" data-testid="file-preview">
      {data.text}
      {data.truncated ? "\n…" : ""}
    </pre>
  );
}

export function FileBrowser({
  project,
  version,
  selected,
  onSelect,
}: {
  project: string;
  version: VersionDetail;
  selected: string | null;
  onSelect: (path: string) => void;
}) {
  // Nothing picked yet: show the first file rather than an empty pane.
  const file = version.files.find((f) => f.path === selected) ?? version.files[0] ?? null;
  return (
    <section className="card file-browser" data-testid="file-browser">
      <div className="card-header">
        <strong>Files</strong>
        <span className="muted small">
          {version.file_count} · {formatBytes(version.size)}
        </span>
      </div>
      <div className="file-browser-body">
        <div className="file-list">
          {version.files.map((f) => (
            <div
              key={f.path}
              className={`file-row${f.path === file?.path ? " selected" : ""}`}
              onClick={() => onSelect(f.path)}
              data-testid="file-row"
              data-path={f.path}
            >
              <span className="file-path" title={f.path}>
                {f.ref ? "↗ " : ""}
                {f.path}
              </span>
              <span className="file-size">{formatBytes(f.size)}</span>
              {!f.ref && (
                <a
                  className="file-download"
                  href={fileUrl(project, version.name, version.version, f.path, true)}
                  onClick={(e) => e.stopPropagation()}
                  title="Download"
                  data-testid="file-download"
                >
                  ⤓
                </a>
              )}
            </div>
          ))}
        </div>
        <div className="file-preview">
          {file ? <PreviewPane project={project} version={version} file={file} /> : <div className="pad muted">Select a file to preview it.</div>}
        </div>
      </div>
    </section>
  );
}
