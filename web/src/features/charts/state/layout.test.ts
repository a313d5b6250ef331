import { describe, expect, it } from "vitest";
import {
  addKindPanel,
  addPanel,
  movePanel,
  updatePanelSettings,
  autoPanelId,
  type ChartsLayout,
  DEFAULT_OPEN_PANELS,
  pinnedPanels,
  togglePin,
  emptyLayout,
  mergeLayout,
  parseLayout,
  removePanel,
  resizePanel,
  serializeLayout,
  setPanelKeys,
  shownPanels,
} from "./layout";

const KEYS = ["train/loss", "train/acc", "val/loss", "lr", "system/gpu"];

function names(layout: ChartsLayout): string[] {
  return layout.sections.map((s) => s.name);
}

function panelKeys(layout: ChartsLayout, section: string): string[][] {
  return layout.sections.find((s) => s.name === section)?.panels.map((p) => p.keys) ?? [];
}

/** A section opened or closed, as a saved view may hold it. */
function toggleSection(layout: ChartsLayout, name: string): ChartsLayout {
  return { ...layout, sections: layout.sections.map((s) => (s.name === name ? { ...s, collapsed: !s.collapsed } : s)) };
}

describe("mergeLayout", () => {
  it("makes one automatic panel per key, in sections, system last", () => {
    const layout = mergeLayout(emptyLayout(), KEYS);
    expect(names(layout)).toEqual(["Charts", "train", "val", "system"]);
    expect(panelKeys(layout, "train")).toEqual([["train/acc"], ["train/loss"]]);
    expect(layout.sections[1]?.panels[0]).toMatchObject({ id: autoPanelId("train/acc"), auto: true, w: 1, h: "m" });
  });

  it("starts the system section collapsed, and keeps it open once opened", () => {
    const layout = mergeLayout(emptyLayout(), KEYS);
    expect(layout.sections.map((s) => s.collapsed)).toEqual([false, false, false, true]);
    const opened = toggleSection(layout, "system");
    expect(mergeLayout(opened, [...KEYS, "system/cpu"]).sections[3]?.collapsed).toBe(false);
  });

  it("puts run.watch's gradients and parameters after the model's metrics, collapsed", () => {
    const layout = mergeLayout(emptyLayout(), ["gradients/fc.weight", "parameters/fc.weight", ...KEYS]);
    expect(names(layout)).toEqual(["Charts", "train", "val", "gradients", "parameters", "system"]);
    expect(layout.sections.map((s) => s.collapsed)).toEqual([false, false, false, true, true, true]);
  });

  it("keeps saved panels, their order and sizes, and appends panels for new keys", () => {
    let saved = mergeLayout(emptyLayout(), ["train/loss", "train/acc"]);
    saved = resizePanel(saved, "train", autoPanelId("train/loss"), 3, "l");
    saved = addPanel(saved, ["train/loss", "val/loss"], "train", "p-1");
    const merged = mergeLayout(saved, [...KEYS, "train/lr"]);
    expect(panelKeys(merged, "train")).toEqual([
      ["train/acc"],
      ["train/loss"],
      ["train/loss", "val/loss"],
      ["train/lr"],
    ]);
    expect(merged.sections[1]?.panels[1]).toMatchObject({ w: 3, h: "l" });
  });

  it("does not re-create deleted automatic panels", () => {
    let layout = mergeLayout(emptyLayout(), KEYS);
    layout = removePanel(layout, "train", autoPanelId("train/acc"));
    const again = mergeLayout(parseLayout(serializeLayout(layout)), KEYS);
    expect(panelKeys(again, "train")).toEqual([["train/loss"]]);
    expect(again.sections.find((s) => s.name === "train")?.deleted).toEqual(["train/acc"]);
  });

  it("keeps panels for keys the shown runs lack, but does not show them", () => {
    const layout = mergeLayout(mergeLayout(emptyLayout(), KEYS), ["train/loss"]);
    const train = layout.sections.find((s) => s.name === "train");
    expect(train?.panels).toHaveLength(2);
    expect(shownPanels(train!, new Set(["train/loss"])).map((p) => p.keys[0])).toEqual(["train/loss"]);
    const custom = addPanel(layout, ["nope/x"], "train", "p-2");
    const shown = shownPanels(custom.sections.find((s) => s.name === "train")!, new Set(["train/loss"]));
    expect(shown.map((p) => p.id)).toEqual([autoPanelId("train/loss"), "p-2"]);
  });
});

describe("layout changes", () => {
  it("turns an edited automatic panel into a user panel and keeps its key from coming back", () => {
    let layout = mergeLayout(emptyLayout(), KEYS);
    layout = setPanelKeys(layout, "train", autoPanelId("train/loss"), ["train/loss", "val/loss"]);
    const merged = mergeLayout(layout, KEYS);
    expect(panelKeys(merged, "train")).toEqual([["train/acc"], ["train/loss", "val/loss"]]);
    expect(merged.sections[1]?.panels[1]?.auto).toBe(false);
  });

  it("adds a panel to the section of its first key by default and opens the section", () => {
    let layout = toggleSection(mergeLayout(emptyLayout(), KEYS), "val");
    expect(layout.sections.find((s) => s.name === "val")?.collapsed).toBe(true);
    layout = addPanel(layout, ["val/loss", "train/loss"], undefined, "p-3");
    const val = layout.sections.find((s) => s.name === "val");
    expect(val?.collapsed).toBe(false);
    expect(val?.panels.at(-1)).toMatchObject({ id: "p-3", keys: ["val/loss", "train/loss"], auto: false });
  });

  it("creates the section of a new panel when it does not exist", () => {
    const layout = addPanel(emptyLayout(), ["eval/bleu"], undefined, "p-4");
    expect(names(layout)).toEqual(["eval"]);
  });
});

describe("(de)serialization", () => {
  it("round-trips a layout", () => {
    let layout = mergeLayout(emptyLayout(), KEYS);
    layout = toggleSection(layout, "system");
    layout = resizePanel(layout, "val", autoPanelId("val/loss"), 2, "s");
    layout = { ...layout, settings: { x: "_runtime", logy: true, smooth: 0.6 } };
    const json = serializeLayout(layout);
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
    expect(parseLayout(json)).toEqual(layout);
  });

  it("survives malformed input", () => {
    expect(parseLayout(undefined)).toEqual(emptyLayout());
    expect(parseLayout("nonsense")).toEqual(emptyLayout());
    const parsed = parseLayout({
      sections: [
        { name: "train", panels: [{ id: "a", keys: ["k"], w: 7, h: "xl" }, { id: 3 }, "x"], deleted: [1, "b"] },
        { panels: [] },
      ],
      settings: { x: 5, logy: "yes", smooth: 0.3 },
    });
    expect(parsed.sections).toEqual([
      { name: "train", collapsed: false, panels: [{ id: "a", keys: ["k"], w: 1, h: "m", auto: false }], deleted: ["b"] },
    ]);
    expect(parsed.settings).toEqual({ smooth: 0.3 });
  });
});

describe("panel kinds and settings", () => {
  it("loads a layout saved before kinds existed as line panels", () => {
    const layout = parseLayout({ sections: [{ name: "train", panels: [{ id: "a", keys: ["train/loss"], w: 1, h: "m" }] }] });
    const panel = layout.sections[0]?.panels[0];
    expect(panel?.kind).toBeUndefined();
    expect(panel?.line).toBeUndefined();
  });

  it("round-trips kinds and per-panel settings", () => {
    let layout = addKindPanel(emptyLayout(), { kind: "scatter", keys: ["config.lr", "summary.val/acc"], colorBy: "config.model.width", logx: true }, "val", "s1");
    layout = addKindPanel(layout, { kind: "scalar", keys: ["summary.val/acc"], agg: "max" }, "val", "n1");
    layout = addPanel(layout, ["val/loss"], "val", "l1");
    layout = updatePanelSettings(layout, "val", "l1", { line: { extremes: "min", ymin: 0, ymax: 2, logx: true, smooth: 0.8 } });
    const again = parseLayout(serializeLayout(layout));
    expect(again).toEqual(layout);
    const panels = again.sections[0]?.panels ?? [];
    expect(panels.map((p) => p.kind ?? "line")).toEqual(["scatter", "scalar", "line"]);
    expect(panels[0]?.colorBy).toBe("config.model.width");
    expect(panels[2]?.line).toEqual({ extremes: "min", ymin: 0, ymax: 2, logx: true, smooth: 0.8 });
  });

  it("drops malformed settings and panels missing keys for their kind", () => {
    const layout = parseLayout({
      sections: [
        {
          name: "val",
          panels: [
            { id: "a", kind: "scatter", keys: ["config.lr"] },
            { id: "b", kind: "pie", keys: ["val/acc"], line: { ymin: 3, ymax: 1, smooth: "x", extremes: "mid" } },
          ],
        },
      ],
    });
    const panels = layout.sections[0]?.panels ?? [];
    expect(panels.map((p) => p.id)).toEqual(["b"]);
    expect(panels[0]?.kind).toBeUndefined();
    expect(panels[0]?.line).toEqual({ ymin: 3 });
  });

  it("removes a setting set to undefined", () => {
    let layout = addKindPanel(emptyLayout(), { kind: "scalar", keys: ["summary.x"], agg: "run", run: "r1" }, "Charts", "n");
    layout = updatePanelSettings(layout, "Charts", "n", { agg: "mean", run: undefined });
    const panel = layout.sections[0]?.panels[0];
    expect(panel?.agg).toBe("mean");
    expect(panel && "run" in panel).toBe(false);
  });
});

describe("movePanel", () => {
  const base = ["a", "b", "c", "d"].reduce((l, id) => addPanel(l, [`train/${id}`], "train", id), emptyLayout());
  const ids = (l: ChartsLayout) => l.sections[0]?.panels.map((p) => p.id);

  it("moves a panel right onto the place of its target", () => {
    expect(ids(movePanel(base, "train", "a", "c"))).toEqual(["b", "c", "a", "d"]);
  });

  it("moves a panel left onto the place of its target", () => {
    expect(ids(movePanel(base, "train", "d", "b"))).toEqual(["a", "d", "b", "c"]);
  });

  it("changes nothing for an unknown panel or itself", () => {
    expect(movePanel(base, "train", "a", "a")).toBe(base);
    expect(movePanel(base, "train", "zz", "a")).toBe(base);
    expect(movePanel(base, "val", "a", "b")).toBe(base);
  });
});

describe("pinned panels", () => {
  const layout = mergeLayout(emptyLayout(), KEYS);

  it("pin in the order pinned, unpin, and survive the saved form", () => {
    const pinned = togglePin(togglePin(layout, autoPanelId("val/loss")), autoPanelId("train/acc"));
    expect(pinned.pinned).toEqual([autoPanelId("val/loss"), autoPanelId("train/acc")]);
    expect(parseLayout(serializeLayout(pinned)).pinned).toEqual(pinned.pinned);
    expect(togglePin(pinned, autoPanelId("val/loss")).pinned).toEqual([autoPanelId("train/acc")]);
  });

  it("are listed with the section they live in, hidden ones left out", () => {
    const pinned = togglePin(togglePin(layout, autoPanelId("val/loss")), autoPanelId("lr"));
    const sections = pinned.sections.map((s) => ({ name: s.name, shown: shownPanels(s, new Set(["val/loss"])) }));
    expect(pinnedPanels(pinned.pinned, sections).map((p) => [p.section, p.panel.id])).toEqual([
      ["val", autoPanelId("val/loss")],
    ]);
  });

  it("are unpinned when the panel is removed, and a malformed list is dropped", () => {
    const pinned = togglePin(layout, autoPanelId("lr"));
    expect(removePanel(pinned, "Charts", autoPanelId("lr")).pinned).toEqual([]);
    expect(parseLayout({ sections: [], pinned: [3, "a", "a", null] }).pinned).toEqual(["a"]);
    expect(parseLayout({ sections: [] }).pinned).toEqual([]);
  });
});

describe("a layout of thousands of metrics", () => {
  it("opens sections until DEFAULT_OPEN_PANELS panels are open, the later ones start collapsed", () => {
    const keys = Array.from({ length: 2000 }, (_, i) => `s${String(Math.floor(i / 40)).padStart(2, "0")}/m${i % 40}`);
    const merged = mergeLayout(emptyLayout(), keys);
    expect(merged.sections).toHaveLength(50);
    const open = merged.sections.filter((s) => !s.collapsed);
    expect(open.map((s) => s.name)).toEqual(["s00", "s01"]);
    expect(open.reduce((n, s) => n + s.panels.length, 0)).toBeGreaterThanOrEqual(DEFAULT_OPEN_PANELS);
    // a section the user opened stays open
    const saved = { ...merged, sections: merged.sections.map((s) => (s.name === "s30" ? { ...s, collapsed: false } : s)) };
    expect(mergeLayout(parseLayout(serializeLayout(saved)), keys).sections.find((s) => s.name === "s30")?.collapsed).toBe(false);
  });
});
