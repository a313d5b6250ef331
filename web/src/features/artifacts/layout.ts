// Pure helpers: the lineage graph's positions (columns by layer, rows within a column), and sizes.
import type { Lineage, LineageNode } from "./types";

export const NODE_W = 168;
export const NODE_H = 40;
export const COL_GAP = 64;
export const ROW_GAP = 14;
export const PAD = 12;

export interface Placed {
  node: LineageNode;
  x: number;
  y: number;
}

export interface Layout {
  placed: Placed[];
  width: number;
  height: number;
  /** The y of the lane above the nodes that edges skipping a column take (null: none do). */
  lane: number | null;
}

export const LANE_H = 26;

/** Columns left to right by layer; within a column, runs and versions in label order. */
export function layoutLineage(graph: Lineage): Layout {
  const columns = new Map<number, LineageNode[]>();
  for (const node of graph.nodes) {
    const column = columns.get(node.layer) ?? [];
    column.push(node);
    columns.set(node.layer, column);
  }
  const layers = [...columns.keys()].sort((a, b) => a - b);
  const layerOf = new Map(graph.nodes.map((n) => [n.id, n.layer]));
  const skips = graph.edges.some(
    (e) => Math.abs((layerOf.get(e.target) ?? 0) - (layerOf.get(e.source) ?? 0)) > 1,
  );
  const offset = skips ? LANE_H : 0;
  const tallest = Math.max(0, ...layers.map((l) => columns.get(l)?.length ?? 0));
  const body = PAD * 2 + tallest * NODE_H + Math.max(0, tallest - 1) * ROW_GAP;
  const height = body + offset;
  const placed: Placed[] = [];
  const rowOf = new Map<string, number>();
  const sources = new Map<string, string[]>();
  for (const e of graph.edges) sources.set(e.target, [...(sources.get(e.target) ?? []), e.source]);
  layers.forEach((layer, col) => {
    const nodes = orderColumn(columns.get(layer) ?? [], sources, rowOf);
    const used = nodes.length * NODE_H + (nodes.length - 1) * ROW_GAP;
    const top = offset + (body - used) / 2;
    nodes.forEach((node, row) => {
      rowOf.set(node.id, top + row * (NODE_H + ROW_GAP));
      placed.push({ node, x: PAD + col * (NODE_W + COL_GAP), y: top + row * (NODE_H + ROW_GAP) });
    });
  });
  const width = PAD * 2 + layers.length * NODE_W + Math.max(0, layers.length - 1) * COL_GAP;
  return { placed, width, height, lane: skips ? PAD + LANE_H / 2 - 4 : null };
}

/** A column's nodes ordered by the mean height of their inputs already placed (fewer crossing
 * edges), then by label. */
function orderColumn(
  nodes: LineageNode[],
  sources: Map<string, string[]>,
  rowOf: Map<string, number>,
): LineageNode[] {
  const weight = (node: LineageNode): number => {
    const ys = (sources.get(node.id) ?? []).map((s) => rowOf.get(s)).filter((y) => y !== undefined);
    return ys.length ? ys.reduce((a, b) => a + b, 0) / ys.length : Number.POSITIVE_INFINITY;
  };
  const weights = new Map(nodes.map((n) => [n.id, weight(n)]));
  return [...nodes].sort((a, b) => {
    const wa = weights.get(a.id) ?? 0;
    const wb = weights.get(b.id) ?? 0;
    if (wa !== wb) return wa === Number.POSITIVE_INFINITY ? 1 : wb === Number.POSITIVE_INFINITY ? -1 : wa - wb;
    return a.label.localeCompare(b.label);
  });
}

/** A curve from the right side of one node to the left side of another; an edge that skips a
 * column goes up to the lane above the nodes, across, and down, so it never runs under a node. */
export function edgePath(from: Placed, to: Placed, lane: number | null = null): string {
  const x1 = from.x + NODE_W;
  const y1 = from.y + NODE_H / 2;
  const x2 = to.x;
  const y2 = to.y + NODE_H / 2;
  if (lane !== null && x2 - x1 > COL_GAP * 1.5) {
    const r = COL_GAP / 2;
    return `M${x1},${y1} C${x1 + r},${y1} ${x1},${lane} ${x1 + r},${lane} L${x2 - r},${lane} C${x2},${lane} ${x2 - r},${y2} ${x2},${y2}`;
  }
  const bend = Math.max(24, (x2 - x1) / 2);
  return `M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2},${y2}`;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ["KB", "MB", "GB", "TB"];
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** Aliases a user typed, comma or space separated, cleaned; `latest` is the store's own. */
export function parseAliases(text: string): { aliases: string[]; error: string | null } {
  const aliases = [...new Set(text.split(/[\s,]+/).filter(Boolean))].filter((a) => a !== "latest");
  const bad = aliases.find((a) => !/^[A-Za-z0-9_.-]{1,128}$/.test(a) || /^v?\d+$/.test(a));
  return {
    aliases,
    error: bad ? `"${bad}": use letters, digits, '_', '.' or '-', not a version number` : null,
  };
}
