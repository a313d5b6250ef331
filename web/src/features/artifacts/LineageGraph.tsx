// The lineage graph: runs and artifact versions within N hops of one node, in columns left to
// right (inputs, the runs that used them, what they produced), drawn as SVG; each node a link.
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Link } from "react-router-dom";
import { artifactsApi } from "./api";
import { NODE_H, NODE_W, edgePath, layoutLineage } from "./layout";
import type { LineageNode } from "./types";

function href(project: string, node: LineageNode): string {
  const p = encodeURIComponent(project);
  if (node.kind === "run") return `/p/${p}/r/${encodeURIComponent(node.run_id ?? "")}?tab=artifacts`;
  return `/p/${p}/artifacts?a=${encodeURIComponent(node.artifact ?? "")}&v=${node.version ?? 0}`;
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export function LineageGraph({ project, node }: { project: string; node: string }) {
  const [hops, setHops] = useState(2);
  const graph = useQuery({
    queryKey: ["lineage", project, node, hops],
    queryFn: () => artifactsApi.lineage(project, node, hops),
  });
  const layout = graph.data ? layoutLineage(graph.data) : null;
  const byId = new Map(layout?.placed.map((p) => [p.node.id, p]) ?? []);
  return (
    <section className="card" data-testid="lineage">
      <div className="card-header">
        <strong>Lineage</strong>
        <span className="muted small">inputs → runs → outputs</span>
        <span className="spacer" />
        <label className="small muted">
          hops{" "}
          <select
            className="toolbar-select"
            value={hops}
            onChange={(e) => setHops(Number(e.target.value))}
            data-testid="lineage-hops"
          >
            {[1, 2, 3, 4, 6].map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
      </div>
      {graph.error && <div className="pad error-text">{graph.error.message}</div>}
      {layout && layout.placed.length <= 1 && (
        <div className="pad muted">No lineage yet: nothing produced or used this.</div>
      )}
      {layout && layout.placed.length > 1 && (
        <div className="lineage-scroll">
          <svg width={layout.width} height={layout.height} className="lineage-svg" role="img" aria-label="Lineage graph">
            <defs>
              <marker id="lineage-arrow" viewBox="0 0 8 8" refX="8" refY="4" markerWidth="7" markerHeight="7" orient="auto">
                <path d="M0,0 L8,4 L0,8 z" className="lineage-arrowhead" />
              </marker>
            </defs>
            {graph.data?.edges.map((edge) => {
              const from = byId.get(edge.source);
              const to = byId.get(edge.target);
              if (!from || !to) return null;
              return (
                <path
                  key={`${edge.source}-${edge.target}`}
                  d={edgePath(from, to, layout.lane)}
                  className={`lineage-edge lineage-${edge.kind}`}
                  markerEnd="url(#lineage-arrow)"
                >
                  <title>{edge.kind}</title>
                </path>
              );
            })}
            {layout.placed.map(({ node: n, x, y }) => (
              <Link key={n.id} to={href(project, n)} data-testid="lineage-node" data-node={n.id}>
                <g transform={`translate(${x},${y})`} className={`lineage-node lineage-${n.kind}${n.id === node ? " selected" : ""}`}>
                  <rect width={NODE_W} height={NODE_H} rx={n.kind === "run" ? 4 : 14} />
                  <text x={10} y={16} className="lineage-label">
                    {n.kind === "run" ? "▶ " : "◆ "}
                    {clip(n.label, 22)}
                  </text>
                  <text x={10} y={31} className="lineage-sub">
                    {clip(n.sublabel, 28)}
                  </text>
                  <title>{`${n.label}\n${n.sublabel}`}</title>
                </g>
              </Link>
            ))}
          </svg>
        </div>
      )}
    </section>
  );
}
