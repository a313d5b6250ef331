import { describe, expect, it } from "vitest";
import { EMPTY_STATE, decodeWorkspaceState, encodeWorkspaceState, type WorkspaceState } from "./urlState";

describe("workspace URL state", () => {
  const full: WorkspaceState = {
    filter: "config.lr < 0.2",
    q: "mlp",
    sort: { column: "summary.val/acc", desc: true },
    group: "config.optimizer",
    bin: "log-5",
    cols: ["state", "config.lr", "summary.a,b"],
    pin: ["config.lr"],
    hide: ["r1", "r2"],
    show: ["r77"],
    select: ["r3"],
    fold: ["adam"],
    view: "analysis",
  };

  it("round-trips every field", () => {
    expect(decodeWorkspaceState(encodeWorkspaceState(full))).toEqual(full);
  });

  it("uses readable parameter names", () => {
    const params = encodeWorkspaceState(full);
    expect(params.get("filter")).toBe("config.lr < 0.2");
    expect(params.get("q")).toBe("mlp");
    expect(params.get("sort")).toBe("-summary.val/acc");
    expect(params.get("group")).toBe("config.optimizer");
    expect(params.get("hide")).toBe("r1,r2");
    expect(params.get("view")).toBe("analysis");
  });

  it("leaves out empty values and decodes nothing as the empty state", () => {
    expect(encodeWorkspaceState(EMPTY_STATE).toString()).toBe("");
    expect(decodeWorkspaceState(new URLSearchParams())).toEqual(EMPTY_STATE);
  });

  it("tells no columns chosen (defaults) from an empty choice", () => {
    expect(decodeWorkspaceState(new URLSearchParams("cols=")).cols).toEqual([]);
    expect(decodeWorkspaceState(new URLSearchParams("")).cols).toBeNull();
  });

  it("keeps parameters it does not own", () => {
    const base = new URLSearchParams("x=_runtime&smooth=0.6&panels=abc&filter=old");
    const params = encodeWorkspaceState({ ...EMPTY_STATE, q: "new" }, base);
    expect(params.get("x")).toBe("_runtime");
    expect(params.get("smooth")).toBe("0.6");
    expect(params.get("panels")).toBe("abc");
    expect(params.has("filter")).toBe(false);
    expect(params.get("q")).toBe("new");
  });

  it("reads an ascending sort", () => {
    expect(decodeWorkspaceState(new URLSearchParams("sort=config.lr")).sort).toEqual({
      column: "config.lr",
      desc: false,
    });
  });
});
