// "Add to report" from a workspace panel: pick one of the project's reports, or name a new one; the
// panel (its kind and keys, the workspace's run filter) is appended as a new version of it.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, type JSX, useEffect, useRef, useState } from "react";
import { Link, useSearchParams } from "react-router-dom";
import { ApiRequestError } from "../../../api/client";
import { type PanelBlock, type ReportDocument, reportsApi } from "../api";
import { reportPath } from "../paths";
import "../reports.css";

const NEW = "";

interface AddToReportDialogProps {
  project: string;
  kind: PanelBlock["kind"];
  keys: readonly string[];
  onClose: () => void;
}

/** Append `panel` as a new version of report `id`; once more on a conflict (another save came). */
async function append(project: string, id: string, panel: PanelBlock): Promise<ReportDocument> {
  for (let attempt = 0; ; attempt++) {
    const doc = await reportsApi.get(project, id);
    try {
      return await reportsApi.save(project, id, { base_version: doc.version, blocks: [...doc.blocks, panel], title: doc.title });
    } catch (error) {
      if (!(error instanceof ApiRequestError && error.status === 409) || attempt > 0) throw error;
    }
  }
}

export function AddToReportDialog({ project, kind, keys, onClose }: AddToReportDialogProps): JSX.Element {
  const ref = useRef<HTMLDialogElement>(null);
  const [search] = useSearchParams();
  const filter = search.get("filter") ?? "";
  const quick = search.get("q") ?? "";
  const reports = useQuery({ queryKey: ["reports", project], queryFn: () => reportsApi.list(project) });
  // the user's pick; until there is one, the most recently saved report (or a new one)
  const [choice, setTarget] = useState<string | null>(null);
  const target = choice ?? reports.data?.[0]?.id ?? NEW;
  const [title, setTitle] = useState("Untitled report");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<ReportDocument | null>(null);
  const queryClient = useQueryClient();

  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    dialog?.addEventListener("cancel", onClose);
    return () => dialog?.removeEventListener("cancel", onClose);
  }, [onClose]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const panel: PanelBlock = { kind, keys: [...keys], runs: filter.trim() || null, frozen: false };
    setBusy(true);
    setError(null);
    try {
      const doc = target === NEW ? await reportsApi.create(project, title.trim() || "Untitled report", [panel]) : await append(project, target, panel);
      void queryClient.invalidateQueries({ queryKey: ["reports", project] });
      queryClient.setQueryData(["report", project, doc.id, null], doc);
      setDone(doc);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <dialog ref={ref} className="dialog rp-add-dialog" data-testid="add-to-report" onClick={(e) => e.target === ref.current && onClose()}>
      {done ? (
        <div>
          <h3>Added to “{done.title}”</h3>
          <p className="muted">Saved as version {done.version}.</p>
          <div className="dialog-actions">
            <button type="button" className="button" onClick={onClose}>
              Close
            </button>
            <Link className="button button-primary" to={reportPath(project, done.id)} data-testid="open-report">
              Open report
            </Link>
          </div>
        </div>
      ) : (
        <form onSubmit={(e) => void submit(e)}>
          <h3>Add to report</h3>
          <p className="muted small">
            A {kind} panel of <b>{keys.join(", ")}</b> over {filter ? <code>{filter}</code> : "every run"}
            {quick && " (the quick search is not part of a report's run set)"}.
          </p>
          <label className="rp-dialog-field">
            Report
            <select value={target} onChange={(e) => setTarget(e.target.value)} data-testid="add-to-report-target">
              {reports.data?.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.title}
                </option>
              ))}
              <option value={NEW}>New report…</option>
            </select>
          </label>
          {target === NEW && (
            <label className="rp-dialog-field">
              Title
              <input value={title} maxLength={255} onChange={(e) => setTitle(e.target.value)} data-testid="add-to-report-title" />
            </label>
          )}
          {error && (
            <p className="error-text" role="alert">
              {error}
            </p>
          )}
          <div className="dialog-actions">
            <button type="button" className="button" onClick={onClose}>
              Cancel
            </button>
            <button type="submit" className="button button-primary" disabled={busy} data-testid="add-to-report-submit">
              Add
            </button>
          </div>
        </form>
      )}
    </dialog>
  );
}
