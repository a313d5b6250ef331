// The run page's config tree: nested keys, searchable, with collapsed paths.
import type { JsonValue } from "../../../api/types";
import { exactValue } from "../../../lib/format";

export interface TreeNode {
  key: string;
  path: string; // dotted path from the root
  value: JsonValue; // the leaf value, or the object for a branch
  children: TreeNode[] | null; // null for a leaf
}

function isBranch(value: JsonValue): value is { [key: string]: JsonValue } {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

export function buildTree(config: Record<string, JsonValue>, prefix = ""): TreeNode[] {
  return Object.entries(config).map(([key, value]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    return { key, path, value, children: isBranch(value) ? buildTree(value, path) : null };
  });
}

/** Nodes whose path or leaf value contains the search text, with their ancestors. */
export function filterTree(nodes: readonly TreeNode[], search: string): TreeNode[] {
  const needle = search.trim().toLowerCase();
  if (!needle) return [...nodes];
  const out: TreeNode[] = [];
  for (const node of nodes) {
    if (node.path.toLowerCase().includes(needle)) {
      out.push(node);
    } else if (node.children) {
      const children = filterTree(node.children, needle);
      if (children.length) out.push({ ...node, children });
    } else if (exactValue(node.value).toLowerCase().includes(needle)) {
      out.push(node);
    }
  }
  return out;
}

/** How many leaves a tree holds. */
export function leafCount(nodes: readonly TreeNode[]): number {
  return nodes.reduce((n, node) => n + (node.children ? leafCount(node.children) : 1), 0);
}
