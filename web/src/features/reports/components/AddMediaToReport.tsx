// "Add to report…" on one run's image or plot panel: the report panel it adds shows that run's key
// at the step on screen (an image or plot panel, bound to the run: no run filter).
import { type JSX, useState } from "react";
import { AddToReportDialog } from "./AddToReportDialog";

interface AddMediaToReportProps {
  project: string;
  kind: "image" | "plot";
  runId: string;
  mediaKey: string;
  /** the step shown (null: none yet, the panel shows the last one logged) */
  step: number | null;
}

export function AddMediaToReport({ project, kind, runId, mediaKey, step }: AddMediaToReportProps): JSX.Element {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" className="link-button md-note" onClick={() => setOpen(true)} data-testid="media-add-to-report">
        Add to report…
      </button>
      {open && <AddToReportDialog project={project} panel={{ kind, keys: [mediaKey], run: runId, step }} onClose={() => setOpen(false)} />}
    </>
  );
}
