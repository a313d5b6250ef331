import { describe, expect, it } from "vitest";
import { COL_GAP, NODE_W, PAD, edgePath, formatBytes, layoutLineage, parseAliases } from "./layout";
import type { LineageNode } from "./types";

function node(id: string, layer: number, label = id): LineageNode {
  return { id, kind: id.startsWith("run") ? "run" : "version", label, sublabel: "", layer, run_id: null, artifact: null, version: null };
}

describe("layoutLineage", () => {
  it("puts layers in columns left to right and centres each column", () => {
    const layout = layoutLineage({
      nodes: [node("run:b", 2), node("version:1", 1), node("run:a", 0), node("run:c", 2)],
      edges: [],
    });
    const x = Object.fromEntries(layout.placed.map((p) => [p.node.id, p.x]));
    expect(x["run:a"]).toBe(PAD);
    expect(x["version:1"]).toBe(PAD + NODE_W + COL_GAP);
    expect(x["run:b"]).toBe(x["run:c"]);
    const y = Object.fromEntries(layout.placed.map((p) => [p.node.id, p.y]));
    expect(y["run:b"] ?? 0).toBeLessThan(y["run:c"] ?? 0);
    expect(y["run:a"]).toBe(y["version:1"]);
    expect(layout.width).toBe(PAD * 2 + 3 * NODE_W + 2 * COL_GAP);
  });

  it("orders a column after the inputs of its nodes, so edges do not cross", () => {
    const layout = layoutLineage({
      nodes: [node("run:a", 0), node("run:b", 0), node("version:2", 1, "m:v0"), node("version:1", 1, "m:v1")],
      edges: [
        { source: "run:a", target: "version:1", kind: "produced" },
        { source: "run:b", target: "version:2", kind: "produced" },
      ],
    });
    const y = Object.fromEntries(layout.placed.map((p) => [p.node.id, p.y]));
    expect(y["version:1"] ?? 0).toBeLessThan(y["version:2"] ?? 0); // after a, not by label
  });

  it("opens a lane above the nodes for edges that skip a column", () => {
    const nodes = [node("version:1", 0), node("run:a", 1), node("run:b", 2)];
    const flat = layoutLineage({ nodes, edges: [{ source: "version:1", target: "run:a", kind: "used" }] });
    expect(flat.lane).toBeNull();
    const skip = layoutLineage({ nodes, edges: [{ source: "version:1", target: "run:b", kind: "used" }] });
    expect(skip.lane).not.toBeNull();
    expect(skip.height).toBeGreaterThan(flat.height);
    const [from, , to] = skip.placed;
    expect(edgePath(from!, to!, skip.lane)).toContain(`L`);
  });

  it("lays out an empty graph as nothing", () => {
    expect(layoutLineage({ nodes: [], edges: [] }).placed).toEqual([]);
  });

  it("draws edges from the right of one node to the left of the next", () => {
    const a = { node: node("run:a", 0), x: 0, y: 0 };
    const b = { node: node("version:1", 1), x: 300, y: 0 };
    expect(edgePath(a, b).startsWith(`M${NODE_W},`)).toBe(true);
    expect(edgePath(a, b).endsWith(" 300,20")).toBe(true);
  });
});

describe("formatBytes and parseAliases", () => {
  it("formats sizes", () => {
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(2048)).toBe("2.0 KB");
    expect(formatBytes(5 * 1024 ** 3)).toBe("5.0 GB");
  });
  it("cleans aliases and refuses version-like ones", () => {
    expect(parseAliases("best, prod  best latest")).toEqual({ aliases: ["best", "prod"], error: null });
    expect(parseAliases("v3").error).toContain("v3");
    expect(parseAliases("a/b").error).toContain("a/b");
  });
});
