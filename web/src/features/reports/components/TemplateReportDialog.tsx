// "New report from template": pick the runs a reproducibility report is about (originals and
// reproductions); the server fills the template from their captures and saves version 1.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, type JSX, useEffect, useRef, useState } from "react";
import { useNavigate } from "react-router-dom";
import { api } from "../../../api/client";
import { reportsApi } from "../api";
import { reportPath } from "../paths";
import "../reports.css";

const PICKABLE = 200;

interface TemplateReportDialogProps {
  project: string;
  onClose: () => void;
}

export function TemplateReportDialog({ project, onClose }: TemplateReportDialogProps): JSX.Element {
  const ref = useRef<HTMLDialogElement>(null);
  const [search, setSearch] = useState("");
  const [picked, setPicked] = useState<string[]>([]);
  const [title, setTitle] = useState("Reproducibility report");
  const runs = useQuery({
    queryKey: ["template-runs", project, search],
    queryFn: () => api.runs(project, { search: search.trim() || undefined, limit: PICKABLE }),
  });
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const create = useMutation({
    mutationFn: () => reportsApi.fromTemplate(project, title.trim() || "Reproducibility report", picked),
    onSuccess: (doc) => {
      void queryClient.invalidateQueries({ queryKey: ["reports", project] });
      queryClient.setQueryData(["report", project, doc.id, null], doc);
      navigate(reportPath(project, doc.id));
    },
  });

  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    dialog?.addEventListener("cancel", onClose);
    return () => dialog?.removeEventListener("cancel", onClose);
  }, [onClose]);

  const toggle = (id: string) => setPicked((now) => (now.includes(id) ? now.filter((p) => p !== id) : [...now, id]));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (picked.length > 0) create.mutate();
  };

  return (
    <dialog ref={ref} className="dialog rp-add-dialog" data-testid="template-dialog" onClick={(e) => e.target === ref.current && onClose()}>
      <form onSubmit={submit}>
        <h3>New reproducibility report</h3>
        <p className="muted small">
          Sections for the scope, methodology (from the runs' captures), results (verdicts of <code>cairn reproduce</code>,
          curves), computational cost and discussion, filled from the runs you pick.
        </p>
        <label className="rp-dialog-field">
          Title
          <input value={title} maxLength={255} onChange={(e) => setTitle(e.target.value)} data-testid="template-title" />
        </label>
        <label className="rp-dialog-field">
          Runs
          <input
            type="search"
            placeholder="Search runs by name…"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            data-testid="template-search"
          />
        </label>
        <div className="rp-run-picker" data-testid="template-runs">
          {runs.isPending && <span className="muted">Loading runs…</span>}
          {runs.isError && <span className="error-text">{runs.error.message}</span>}
          {runs.data?.runs.length === 0 && <span className="muted">No runs match.</span>}
          {runs.data?.runs.map((run) => (
            <label key={run.id} className="rp-run-option" data-testid="template-run" data-run={run.id}>
              <input type="checkbox" checked={picked.includes(run.id)} onChange={() => toggle(run.id)} />
              <span>{run.name}</span>
              <span className="muted small">{run.id}</span>
            </label>
          ))}
          {runs.data && runs.data.total > runs.data.runs.length && (
            <span className="muted small">
              {runs.data.total - runs.data.runs.length} more: search to narrow the list.
            </span>
          )}
        </div>
        <p className="muted small" data-testid="template-picked">
          {picked.length === 1 ? "1 run picked" : `${picked.length} runs picked`}
        </p>
        {create.isError && (
          <p className="error-text" role="alert">
            {create.error.message}
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button
            type="submit"
            className="button button-primary"
            disabled={picked.length === 0 || create.isPending}
            data-testid="template-create"
          >
            Create report
          </button>
        </div>
      </form>
    </dialog>
  );
}
