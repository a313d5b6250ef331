// The run page's Artifacts tab: the versions the run used (inputs) and produced (outputs), and
// the lineage graph around the run.
import { useQuery } from "@tanstack/react-query";
import { Link } from "react-router-dom";
import type { RunDetail } from "../../api/types";
import { artifactsApi } from "./api";
import { formatBytes } from "./layout";
import { LineageGraph } from "./LineageGraph";
import type { VersionRow } from "./types";
import "./artifacts.css";

function VersionList({ project, title, rows, testId }: { project: string; title: string; rows: VersionRow[]; testId: string }) {
  return (
    <section className="card" data-testid={testId}>
      <div className="card-header">
        <strong>{title}</strong>
        <span className="muted small">{rows.length}</span>
      </div>
      {rows.length === 0 ? (
        <div className="pad muted small">None</div>
      ) : (
        <table className="kv-table">
          <tbody>
            {rows.map((v) => (
              <tr key={v.id}>
                <td>
                  <Link to={`/p/${encodeURIComponent(project)}/artifacts?a=${encodeURIComponent(v.name)}&v=${v.version}`} className="mono">
                    {v.name}:v{v.version}
                  </Link>
                </td>
                <td>
                  <span className="type-chip">{v.type}</span>
                </td>
                <td>
                  {v.aliases.map((a) => (
                    <span key={a} className={`alias-chip${a === "latest" ? " latest" : ""}`}>
                      {a}
                    </span>
                  ))}
                </td>
                <td className="num mono">{formatBytes(v.size)}</td>
                <td className="num mono">{v.file_count} files</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export function RunArtifactsTab({ run }: { run: RunDetail }) {
  const found = useQuery({
    queryKey: ["run-artifacts", run.project, run.id],
    queryFn: () => artifactsApi.runArtifacts(run.project, run.id),
  });
  if (found.error) return <div className="pad error-text">{found.error.message}</div>;
  if (!found.data) return <div className="pad muted">Loading…</div>;
  return (
    <div className="run-artifacts" data-testid="run-artifacts">
      <div className="run-artifacts-lists">
        <VersionList project={run.project} title="Used (inputs)" rows={found.data.used} testId="run-artifacts-used" />
        <VersionList project={run.project} title="Produced (outputs)" rows={found.data.logged} testId="run-artifacts-logged" />
      </div>
      <LineageGraph project={run.project} node={`run:${run.id}`} />
    </div>
  );
}
