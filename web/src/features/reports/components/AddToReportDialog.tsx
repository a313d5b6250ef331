// "Add to report" from a panel: pick one of the project's reports, or name a new one; the panel (its
// kind, keys and settings, the page's runs as a filter, the workspace's grouping and bins) is
// appended as a new version of it. The runs are the workspace's URL filter (without the quick
// search), or the run set a page provides (a sweep's runs, the compared runs), narrowed by the
// Analysis brush the user sees: the panel shows those runs.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, type JSX, useContext, useEffect, useRef, useState } from "react";
import { Link, useSearchParams } from "react-router-dom";
import { ApiRequestError } from "../../../api/client";
import { BRUSH_FILTER_PARAM, bothFilters } from "../../analysis/lib/brushFilter";
import { type PanelBlock, type ReportDocument, reportsApi } from "../api";
import { binsText, GROUPED_KINDS, WorkspaceGroupingContext } from "../lib/panelGroups";
import { ReportRunSetContext } from "../lib/runSet";
import { reportPath } from "../paths";
import "../reports.css";

const NEW = "";

/** What a panel shows, without its runs (the dialog adds them) and live (never frozen). */
export type PanelToAdd = Omit<PanelBlock, "runs" | "frozen" | "data">;

interface AddToReportDialogProps {
  project: string;
  panel: PanelToAdd;
  /** the brush's runs filter of the Analysis view the panel comes from; omitted: the workspace URL's */
  brush?: string;
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

export function AddToReportDialog({ panel: shown, brush, onClose, ...props }: AddToReportDialogProps): JSX.Element {
  const ref = useRef<HTMLDialogElement>(null);
  const [search] = useSearchParams();
  const runSet = useContext(ReportRunSetContext);
  const blocked = runSet && "blocked" in runSet ? runSet.blocked : null;
  const given = runSet && "filter" in runSet ? runSet : null;
  const project = given?.project ?? props.project;
  // the brush narrows the runs the page draws (the workspace's table and charts follow its URL copy),
  // so the panel's runs are the page's runs and the brush's, as one filter the store parses
  const brushed = brush ?? (given ? "" : (search.get(BRUSH_FILTER_PARAM) ?? ""));
  const filter = bothFilters(given ? given.filter : (search.get("filter") ?? ""), brushed);
  const quick = given ? "" : (search.get("q") ?? "");
  const { kind, keys } = shown;
  // the workspace's grouping (a config key or run field), for the kinds it changes
  const grouping = useContext(WorkspaceGroupingContext);
  const carried = given || !GROUPED_KINDS.includes(kind) ? null : grouping;
  const groupBy = shown.group_by ?? carried?.column ?? null;
  const reports = useQuery({ queryKey: ["reports", project], queryFn: () => reportsApi.list(project), enabled: !blocked });
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
    // a panel bound to one run (image, plot) shows that run whatever the page's filter or grouping
    const grouped = groupBy && !shown.group_by && !shown.run ? { group_by: groupBy, ...(carried?.bins ? { group_bins: carried.bins } : {}) } : {};
    const panel: PanelBlock = { ...shown, keys: [...keys], runs: shown.run ? null : filter.trim() || null, frozen: false, ...grouped };
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
      {blocked ? (
        <div>
          <h3>Add to report</h3>
          <p data-testid="add-to-report-blocked">{blocked}</p>
          <div className="dialog-actions">
            <button type="button" className="button" onClick={onClose}>
              Close
            </button>
          </div>
        </div>
      ) : done ? (
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
            {shown.run ? (
              <>
                A {kind} panel of <b>{keys.join(", ")}</b> of run <code>{shown.run}</code>
                {shown.step === null || shown.step === undefined ? "" : ` at step ${shown.step}`}.
              </>
            ) : (
              <>
                A {kind} panel of {keys.length ? <b>{keys.join(", ")}</b> : "every row"} over {filter ? <code>{filter}</code> : "every run"}
                {groupBy && (
                  <span data-testid="add-to-report-group">
                    , grouped by <code>{groupBy}</code>
                    {!shown.group_by && carried?.bins && carried.bins !== "values" && ` (${binsText(carried.bins)})`}
                  </span>
                )}
                {quick && " (the quick search is not part of a report's run set)"}.
              </>
            )}
            {brushed && (
              <span data-testid="add-to-report-brush-note">
                {" "}
                The Analysis brush is part of it: the panel shows the brushed runs.
              </span>
            )}
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
