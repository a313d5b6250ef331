// The editor's state and its saving: autosave once edits pause, Ctrl/Cmd+S to save now, every save
// sent with the version it started from, so a save that another tab or person overtook comes back
// as a conflict (409) and nothing is overwritten.
import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useRef, useState } from "react";
import { ApiRequestError } from "../../api/client";
import { type Block, type ReportDocument, reportsApi } from "./api";
import { type EditorState, initialState, plainBlocks, type SaveStatus, withSavedBlocks } from "./lib/editor";

export const AUTOSAVE_DELAY_MS = 1000;

export interface ReportEditor {
  state: EditorState;
  /** the version the unsaved edits start from */
  baseVersion: number;
  status: SaveStatus;
  update: (change: (state: EditorState) => EditorState) => void;
  saveNow: () => void;
  /** after a conflict: save these edits on top of the latest version */
  saveOnTop: () => Promise<void>;
  /** start again from `doc` (after a restore, or to take the other save and drop these edits) */
  reset: (doc: ReportDocument) => void;
}

export function useReportEditor(project: string, doc: ReportDocument): ReportEditor {
  const queryClient = useQueryClient();
  const [state, setState] = useState(() => initialState(doc.title, doc.blocks));
  const [baseVersion, setBaseVersion] = useState(doc.version);
  const [status, setStatus] = useState<SaveStatus>({ kind: "saved" });
  const savedRevision = useRef(0);
  const inFlight = useRef(false);
  const latest = useRef({ state, baseVersion, status });
  latest.current = { state, baseVersion, status };

  const save = useCallback(
    async (base?: number) => {
      const { state: current, baseVersion: from, status: now } = latest.current;
      if (inFlight.current || (now.kind === "conflict" && base === undefined)) return;
      if (current.revision === savedRevision.current && base === undefined) return;
      inFlight.current = true;
      setStatus({ kind: "saving" });
      const revision = current.revision;
      const blocks: Block[] = plainBlocks(current);
      try {
        const saved = await reportsApi.save(project, doc.id, { base_version: base ?? from, blocks, title: current.title });
        savedRevision.current = revision;
        // frozen panels come back with the data they took: keep it, so later saves do not take it again
        setState((s) => withSavedBlocks(s, current.blocks, saved.blocks));
        setBaseVersion(saved.version);
        queryClient.setQueryData(["report", project, doc.id, null], saved);
        void queryClient.invalidateQueries({ queryKey: ["report-versions", project, doc.id] });
        void queryClient.invalidateQueries({ queryKey: ["reports", project] });
        setStatus(latest.current.state.revision === revision ? { kind: "saved" } : { kind: "unsaved" });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        if (error instanceof ApiRequestError && error.status === 409) setStatus({ kind: "conflict", message });
        else if (error instanceof ApiRequestError && error.status === 400) setStatus({ kind: "invalid", message });
        else setStatus({ kind: "error", message });
      } finally {
        inFlight.current = false;
      }
    },
    [project, doc.id, queryClient],
  );

  // autosave: a moment after the last change (a refused save waits for the next change)
  useEffect(() => {
    if (state.revision === savedRevision.current) return;
    setStatus((s) => (s.kind === "conflict" || s.kind === "saving" ? s : { kind: "unsaved" }));
    if (latest.current.status.kind === "conflict") return;
    const id = window.setTimeout(() => void save(), AUTOSAVE_DELAY_MS);
    return () => window.clearTimeout(id);
  }, [state.revision, save]);

  // a save that finished while more edits came: save those too
  useEffect(() => {
    if (status.kind !== "unsaved" || inFlight.current) return;
    const id = window.setTimeout(() => void save(), AUTOSAVE_DELAY_MS);
    return () => window.clearTimeout(id);
  }, [status, save]);

  // leaving with unsaved edits asks first
  useEffect(() => {
    const warn = (event: BeforeUnloadEvent) => {
      if (latest.current.state.revision !== savedRevision.current) event.preventDefault();
    };
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, []);

  const update = useCallback((change: (s: EditorState) => EditorState) => setState(change), []);
  const saveNow = useCallback(() => void save(), [save]);
  const saveOnTop = useCallback(async () => {
    const newest = await reportsApi.get(project, doc.id);
    await save(newest.version);
  }, [project, doc.id, save]);
  const reset = useCallback((fresh: ReportDocument) => {
    const next = initialState(fresh.title, fresh.blocks);
    savedRevision.current = next.revision;
    setState(next);
    setBaseVersion(fresh.version);
    setStatus({ kind: "saved" });
  }, []);

  return { state, baseVersion, status, update, saveNow, saveOnTop, reset };
}
