// Which runs a media panel draws, said in its head ("4 of 15 runs ▾"), and a list to pick others:
// by default the runs selected in the table, then the first ones it shows, in table order; hide a
// run there and it leaves.
import { type JSX, useCallback, useMemo, useRef, useState } from "react";
import { useDismiss } from "../../charts/components/usePopover";
import { chosenRuns, type MediaRun, runsNote, togglePicked } from "../lib/runChoice";

export interface RunChoice {
  /** the runs the panel draws, in table order */
  shown: MediaRun[];
  /** every run the panel could draw (the table's visible runs that logged the key) */
  runs: readonly MediaRun[];
  limit: number;
  onPick: (ids: string[]) => void;
}

/** The panel's chosen runs: the picked ones while they stay visible, else the first `limit`. */
export function useRunChoice(runs: readonly MediaRun[], limit: number): RunChoice {
  const [picked, setPicked] = useState<string[] | null>(null);
  const shown = useMemo(() => chosenRuns(runs, picked, limit), [runs, picked, limit]);
  return { shown, runs, limit, onPick: setPicked };
}

/** A run's colour swatch and name. */
export function RunTag({ run }: { run: MediaRun }): JSX.Element {
  return (
    <span className="md-run-tag" data-testid="media-run" data-run-id={run.id}>
      <span className="md-run-swatch" style={{ background: run.color }} aria-hidden />
      {run.name}
    </span>
  );
}

export function RunChooser({ choice, mediaKey }: { choice: RunChoice; mediaKey: string }): JSX.Element | null {
  const { shown, runs, limit, onPick } = choice;
  const [open, setOpen] = useState(false);
  const box = useRef<HTMLDivElement>(null);
  const close = useCallback(() => setOpen(false), []);
  useDismiss(box, open, close);
  if (runs.length <= 1) return null;
  const note = runsNote(shown.length, runs.length);
  const ids = shown.map((r) => r.id);
  const cut = shown.length < runs.length;
  return (
    <div className="md-chooser" ref={box}>
      <button
        type="button"
        className={`md-chooser-button${cut ? " md-cut" : ""}`}
        aria-expanded={open}
        aria-label={`Runs of ${mediaKey}: ${note}`}
        title={cut ? `This panel draws at most ${limit} runs: those selected in the table, then the first in table order; or pick them here` : "The runs the table shows"}
        data-testid="run-chooser"
        onClick={() => setOpen((o) => !o)}
      >
        {note} ▾
      </button>
      {open && (
        <div className="md-chooser-list" role="dialog" aria-label={`Pick the runs of ${mediaKey}`}>
          <div className="md-note md-chooser-help">
            {cut ? `Pick up to ${limit} of the ${runs.length} runs the table shows` : "The runs the table shows"}
          </div>
          {runs.map((run) => {
            const checked = ids.includes(run.id);
            return (
              <label key={run.id} className="md-chooser-item">
                <input
                  type="checkbox"
                  checked={checked}
                  disabled={!checked && ids.length >= limit}
                  onChange={() => onPick(togglePicked(ids, run.id, limit))}
                  aria-label={`Show ${run.name}`}
                />
                <RunTag run={run} />
              </label>
            );
          })}
        </div>
      )}
    </div>
  );
}
