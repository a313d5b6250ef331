import { describe, expect, it } from "vitest";
import { buildTree, filterTree, leafCount } from "./configTree";

const config = { lr: 0.1, model: { width: 32, act: "relu" }, optimizer: "sgd" };

describe("config tree", () => {
  it("nests branches with dotted paths", () => {
    const tree = buildTree(config);
    expect(tree.map((n) => n.key)).toEqual(["lr", "model", "optimizer"]);
    expect(tree[1]?.children?.map((n) => n.path)).toEqual(["model.width", "model.act"]);
    expect(leafCount(tree)).toBe(4);
  });

  it("keeps matching leaves with their ancestors", () => {
    const found = filterTree(buildTree(config), "width");
    expect(found.map((n) => n.key)).toEqual(["model"]);
    expect(found[0]?.children?.map((n) => n.key)).toEqual(["width"]);
  });

  it("matches values and whole branches", () => {
    expect(filterTree(buildTree(config), "relu")[0]?.children?.map((n) => n.key)).toEqual(["act"]);
    expect(filterTree(buildTree(config), "model")[0]?.children?.length).toBe(2);
    expect(filterTree(buildTree(config), "")).toHaveLength(3);
  });
});
