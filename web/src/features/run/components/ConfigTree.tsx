import { useMemo, useState } from "react";
import type { JsonValue } from "../../../api/types";
import { exactValue } from "../../../lib/format";
import { buildTree, filterTree, leafCount, type TreeNode } from "../state/configTree";

const INDENT = 16;
const KEY_WIDTH = 220; // leaf values line up in one column at every depth

function Leaf({ value }: { value: JsonValue }) {
  const kind = value === null ? "null" : Array.isArray(value) ? "list" : typeof value;
  return <span className={`tree-value v-${kind}`}>{value === null ? "null" : exactValue(value)}</span>;
}

function Nodes({
  nodes,
  depth,
  collapsed,
  forceOpen,
  onToggle,
}: {
  nodes: TreeNode[];
  depth: number;
  collapsed: ReadonlySet<string>;
  forceOpen: boolean;
  onToggle: (path: string) => void;
}) {
  return (
    <>
      {nodes.map((node) => {
        const open = forceOpen || !collapsed.has(node.path);
        return (
          <div key={node.path}>
            <div
              className={`tree-row${node.children ? " branch" : ""}`}
              style={{ paddingLeft: 8 + depth * INDENT }}
              data-testid="config-row"
              data-path={node.path}
              onClick={node.children ? () => onToggle(node.path) : undefined}
            >
              {node.children ? (
                <>
                  <span className="tree-caret">{open ? "▾" : "▸"}</span>
                  <span className="tree-key">{node.key}</span>
                  <span className="muted small">{leafCount(node.children)}</span>
                </>
              ) : (
                <>
                  <span className="tree-key" style={{ width: Math.max(90, KEY_WIDTH - depth * INDENT) }}>
                    {node.key}
                  </span>
                  <Leaf value={node.value} />
                </>
              )}
            </div>
            {node.children && open && (
              <Nodes
                nodes={node.children}
                depth={depth + 1}
                collapsed={collapsed}
                forceOpen={forceOpen}
                onToggle={onToggle}
              />
            )}
          </div>
        );
      })}
    </>
  );
}

/** The config as logged: nested keys, collapsible, searchable by key or value. */
export function ConfigTree({ config }: { config: Record<string, JsonValue> }) {
  const [search, setSearch] = useState("");
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  const tree = useMemo(() => buildTree(config), [config]);
  const shown = useMemo(() => filterTree(tree, search), [tree, search]);
  const onToggle = (path: string) =>
    setCollapsed((old) => {
      const next = new Set(old);
      if (!next.delete(path)) next.add(path);
      return next;
    });

  return (
    <section className="card" data-testid="config-tree">
      <div className="card-header">
        <h3>Config</h3>
        <span className="muted small">{leafCount(tree)} keys</span>
        <input
          className="card-search"
          type="search"
          placeholder="Search config"
          value={search}
          data-testid="config-search"
          onChange={(e) => setSearch(e.target.value)}
        />
      </div>
      <div className="tree">
        {shown.length ? (
          <Nodes nodes={shown} depth={0} collapsed={collapsed} forceOpen={!!search.trim()} onToggle={onToggle} />
        ) : (
          <div className="muted pad">{tree.length ? "No key matches" : "No config logged"}</div>
        )}
      </div>
    </section>
  );
}
