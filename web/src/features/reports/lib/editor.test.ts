import { describe, expect, it } from "vitest";
import {
  addBlock,
  changeBlock,
  initialState,
  isShortcut,
  moveBlock,
  panelFromForm,
  plainBlocks,
  removeBlock,
  setTitle,
  statusText,
  undo,
  withSavedBlocks,
} from "./editor";

const md = (text: string) => ({ kind: "markdown" as const, text });

describe("block operations", () => {
  it("adds, moves and removes, each undone in turn", () => {
    let s = initialState("T", [md("a"), md("b")]);
    s = addBlock(s, md("c"));
    s = moveBlock(s, 2, -2);
    expect(plainBlocks(s).map((b) => (b.kind === "markdown" ? b.text : ""))).toEqual(["c", "a", "b"]);
    s = removeBlock(s, 1);
    expect(plainBlocks(s)).toEqual([md("c"), md("b")]);
    s = undo(s);
    expect(plainBlocks(s)).toEqual([md("c"), md("a"), md("b")]);
    s = undo(s);
    s = undo(s);
    expect(plainBlocks(s)).toEqual([md("a"), md("b")]);
    expect(undo(s)).toBe(s); // nothing left to undo
  });

  it("keeps block ids through moves, so React keeps each editor", () => {
    const s = initialState("T", [md("a"), md("b")]);
    const moved = moveBlock(s, 0, 1);
    expect(moved.blocks.map((b) => b.uid)).toEqual([s.blocks[1]?.uid, s.blocks[0]?.uid]);
  });

  it("ignores moves past either end", () => {
    const s = initialState("T", [md("a")]);
    expect(moveBlock(s, 0, -1)).toBe(s);
    expect(moveBlock(s, 0, 1)).toBe(s);
    expect(removeBlock(s, 3)).toBe(s);
  });

  it("counts typing as a change but not as an undo step; panel edits are undoable", () => {
    let s = initialState("T", [md("a"), { kind: "line", keys: ["loss"] }]);
    s = changeBlock(s, 0, md("ab"));
    expect(s.past).toHaveLength(0);
    expect(s.revision).toBe(1);
    s = changeBlock(s, 1, { kind: "line", keys: ["acc"] });
    s = undo(s);
    expect(plainBlocks(s)[1]).toEqual({ kind: "line", keys: ["loss"] });
    expect(setTitle(s, "U").revision).toBe(s.revision + 1);
  });

  it("counts an image's caption and alt text as typing, not as undo steps", () => {
    const picture = { kind: "picture" as const, blob: "a".repeat(64), media_type: "image/png", width: 4, height: 3 };
    let s = initialState("T", [picture]);
    s = changeBlock(s, 0, { ...picture, caption: "F" });
    s = changeBlock(s, 0, { ...picture, caption: "Fig", alt: "a" });
    expect(s.past).toHaveLength(0);
    expect(s.revision).toBe(2);
    expect(plainBlocks(s)[0]).toEqual({ ...picture, caption: "Fig", alt: "a" });
    s = changeBlock(s, 0, { ...picture, blob: "b".repeat(64) }); // another image: undoable
    expect(undo(s).blocks[0]?.block).toEqual({ ...picture, caption: "Fig", alt: "a" });
  });
});

describe("panelFromForm", () => {
  it("splits keys and turns an empty filter into every run", () => {
    expect(panelFromForm("line", " loss, val/acc ,", "  ", false)).toEqual({
      kind: "line",
      keys: ["loss", "val/acc"],
      runs: null,
      frozen: false,
    });
    expect(panelFromForm("bar", "config.lr", "state = 'finished'", true).runs).toBe("state = 'finished'");
  });
});

describe("status and shortcuts", () => {
  it("says what the save state is", () => {
    expect(statusText({ kind: "saved" })).toBe("Saved");
    expect(statusText({ kind: "unsaved" })).toBe("Unsaved changes");
    expect(statusText({ kind: "saving" })).toBe("Saving…");
    expect(statusText({ kind: "invalid", message: "block 1: bad" })).toBe("Not saved: block 1: bad");
  });

  it("knows Ctrl+S and Cmd+S, not Alt", () => {
    expect(isShortcut({ key: "s", ctrlKey: true, metaKey: false, altKey: false }, "s")).toBe(true);
    expect(isShortcut({ key: "S", ctrlKey: false, metaKey: true, altKey: false }, "s")).toBe(true);
    expect(isShortcut({ key: "s", ctrlKey: true, metaKey: false, altKey: true }, "s")).toBe(false);
    expect(isShortcut({ key: "z", ctrlKey: false, metaKey: false, altKey: false }, "z")).toBe(false);
  });
});

describe("withSavedBlocks", () => {
  it("takes the saved form of blocks unchanged since the save, not of blocks edited since", () => {
    const frozen = { kind: "line" as const, keys: ["loss"], frozen: true };
    let s = initialState("T", [frozen, md("a")]);
    const sent = s.blocks;
    s = changeBlock(s, 1, md("ab")); // typed while the save was on its way
    const saved = [{ ...frozen, data: { taken_at: 1, runs: [] } }, md("a")];
    const merged = withSavedBlocks(s, sent, saved);
    expect(plainBlocks(merged)).toEqual([saved[0], md("ab")]);
    expect(merged.revision).toBe(s.revision); // not a change to save again
    expect(withSavedBlocks(merged, merged.blocks, plainBlocks(merged))).toBe(merged);
  });
});
