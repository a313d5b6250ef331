// The editor's document as pure data: blocks with ids for React, block operations that can be
// undone (text typed in a block is not one: its CodeMirror editor has its own undo), and the save state.
import type { Block, PanelBlock, PanelKind } from "../api";

export interface EditorBlock {
  /** stable within the page, for React keys and focus */
  uid: string;
  block: Block;
}

export interface EditorState {
  title: string;
  blocks: EditorBlock[];
  /** earlier block lists, the latest last (undo pops it) */
  past: EditorBlock[][];
  /** bumped on every change: autosave saves when it differs from the saved one */
  revision: number;
}

export const MAX_UNDO = 100;

let counter = 0;
export function newUid(): string {
  counter += 1;
  return `b${counter}`;
}

export function initialState(title: string, blocks: readonly Block[]): EditorState {
  return { title, blocks: blocks.map((block) => ({ uid: newUid(), block })), past: [], revision: 0 };
}

function withUndo(state: EditorState, blocks: EditorBlock[]): EditorState {
  return { ...state, blocks, past: [...state.past, state.blocks].slice(-MAX_UNDO), revision: state.revision + 1 };
}

/** `block` inserted at `at` (default: the end). */
export function addBlock(state: EditorState, block: Block, at: number = state.blocks.length): EditorState {
  const blocks = [...state.blocks];
  blocks.splice(Math.max(0, Math.min(at, blocks.length)), 0, { uid: newUid(), block });
  return withUndo(state, blocks);
}

/** The block at `index` moved by `delta` places (unchanged at either end). */
export function moveBlock(state: EditorState, index: number, delta: number): EditorState {
  const to = index + delta;
  if (index < 0 || index >= state.blocks.length || to < 0 || to >= state.blocks.length) return state;
  const blocks = [...state.blocks];
  const [moved] = blocks.splice(index, 1);
  blocks.splice(to, 0, moved as EditorBlock);
  return withUndo(state, blocks);
}

export function removeBlock(state: EditorState, index: number): EditorState {
  if (index < 0 || index >= state.blocks.length) return state;
  return withUndo(
    state,
    state.blocks.filter((_, i) => i !== index),
  );
}

/** A block's new content: a panel's settings are a block operation (undoable); text typed (a
 * Markdown block's, an image's caption or alt text) is not: its text box has its own undo. */
export function changeBlock(state: EditorState, index: number, block: Block): EditorState {
  const current = state.blocks[index];
  if (!current) return state;
  const blocks = state.blocks.map((b, i) => (i === index ? { uid: b.uid, block } : b));
  if (isTyping(current.block, block)) {
    return { ...state, blocks, revision: state.revision + 1 };
  }
  return withUndo(state, blocks);
}

function isTyping(before: Block, after: Block): boolean {
  if (before.kind === "markdown" && after.kind === "markdown") return true;
  return before.kind === "picture" && after.kind === "picture" && before.blob === after.blob;
}

export function setTitle(state: EditorState, title: string): EditorState {
  return { ...state, title, revision: state.revision + 1 };
}

/** The last block operation undone; the state itself when there is none. */
export function undo(state: EditorState): EditorState {
  const previous = state.past[state.past.length - 1];
  if (!previous) return state;
  return { ...state, blocks: previous, past: state.past.slice(0, -1), revision: state.revision + 1 };
}

/**
 * The blocks as the server saved them (a frozen panel with the data it took), for the blocks not
 * changed since they were sent: `sent` is what the save sent, `saved` what it answered.
 */
export function withSavedBlocks(state: EditorState, sent: readonly EditorBlock[], saved: readonly Block[]): EditorState {
  const answer = new Map<string, Block>();
  sent.forEach((b, i) => {
    const back = saved[i];
    if (back) answer.set(b.uid, back);
  });
  const sentBlock = new Map(sent.map((b) => [b.uid, b.block]));
  let changed = false;
  const blocks = state.blocks.map((b) => {
    const back = answer.get(b.uid);
    if (!back || sentBlock.get(b.uid) !== b.block || back === b.block) return b;
    changed = true;
    return { uid: b.uid, block: back };
  });
  return changed ? { ...state, blocks } : state;
}

export function plainBlocks(state: EditorState): Block[] {
  return state.blocks.map((b) => b.block);
}

/** A panel from the add-panel form: keys split on commas, an empty filter meaning every run. */
export function panelFromForm(kind: PanelKind, keysText: string, filter: string, frozen: boolean): PanelBlock {
  const keys = keysText
    .split(",")
    .map((k) => k.trim())
    .filter((k) => k !== "");
  const runs = filter.trim();
  return { kind, keys, runs: runs === "" ? null : runs, frozen };
}

export type SaveStatus =
  | { kind: "saved" }
  | { kind: "unsaved" }
  | { kind: "saving" }
  | { kind: "invalid"; message: string }
  | { kind: "conflict"; message: string }
  | { kind: "error"; message: string };

/** What the editor's status line says. */
export function statusText(status: SaveStatus): string {
  switch (status.kind) {
    case "saved":
      return "Saved";
    case "unsaved":
      return "Unsaved changes";
    case "saving":
      return "Saving…";
    case "invalid":
      return `Not saved: ${status.message}`;
    case "conflict":
      return "Not saved: someone else saved this report";
    case "error":
      return `Not saved: ${status.message}`;
  }
}

/** Whether a key press is Ctrl/Cmd+`key` (Mac: Cmd; elsewhere: Ctrl). */
export function isShortcut(event: { key: string; ctrlKey: boolean; metaKey: boolean; altKey: boolean }, key: string): boolean {
  return (event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === key;
}

/** Whether an element takes typing (its own Ctrl+Z belongs to it). */
export function isTextEntry(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  const tag = target.tagName;
  return tag === "TEXTAREA" || tag === "SELECT" || (tag === "INPUT" && (target as HTMLInputElement).type !== "checkbox") || target.isContentEditable;
}
