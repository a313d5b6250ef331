import { describe, expect, it } from "vitest";
import {
  addPanel,
  autoPanelId,
  type ChartsLayout,
  emptyLayout,
  mergeLayout,
  parseLayout,
  removePanel,
  resizePanel,
  serializeLayout,
  setPanelKeys,
  shownPanels,
  toggleSection,
} from "./layout";

const KEYS = ["train/loss", "train/acc", "val/loss", "lr", "system/gpu"];

function names(layout: ChartsLayout): string[] {
  return layout.sections.map((s) => s.name);
}

function panelKeys(layout: ChartsLayout, section: string): string[][] {
  return layout.sections.find((s) => s.name === section)?.panels.map((p) => p.keys) ?? [];
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
