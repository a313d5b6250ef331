// A panel's settings in the editor: kind, keys (comma-separated; metric keys for a line panel,
// config.* / summary.* keys for the others; parallel coordinates and importance: config keys then
// the target summary metric), the runs filter, a title, frozen or live. Applied
// with the button, so a half-typed filter is not drawn (or saved) at every key press.
import { type JSX, useState } from "react";
import { ANALYSIS_KINDS, PANEL_KINDS, type PanelBlock, type PanelKind } from "../api";
import { RunPicker } from "../../compare/components/RunPicker";
import { GroupBySelect } from "../../runs/components/GroupBySelect";
import { panelFromForm } from "../lib/editor";
import { pickedIds, withPickedRun } from "../lib/pickedRuns";
import { decodeBinChoice, encodeBinChoice } from "../../runs/state/binning";
import { GROUPED_KINDS, groupBins } from "../lib/panelGroups";
import { MediaPicker } from "./MediaPicker";

const CONFIG_PREFIX = "config.";
const SUMMARY_PREFIX = "summary.";

/** A panel's `group_bins` as the workspace's select writes it (its absent value is auto, 4 bins). */
function binChoice(bins: string | null): string | null {
  if (bins === null) return "values";
  const choice = decodeBinChoice(bins);
  return encodeBinChoice(choice.mode, choice.count);
}

interface PanelFormProps {
  /** the report's project: a compare panel picks its runs there, an image or plot panel its run and key */
  project: string;
  initial?: PanelBlock;
  /** metric keys of the project, offered while typing */
  suggestions: readonly string[];
  submitLabel: string;
  onSubmit: (panel: PanelBlock) => void;
  onCancel?: () => void;
}

export function PanelForm({ project, initial, suggestions, submitLabel, onSubmit, onCancel }: PanelFormProps): JSX.Element {
  const [kind, setKind] = useState<PanelKind>(initial?.kind ?? "line");
  const [keys, setKeys] = useState((initial?.keys ?? []).join(", "));
  const [filter, setFilter] = useState(initial?.runs ?? "");
  const [title, setTitle] = useState(initial?.title ?? "");
  const [frozen, setFrozen] = useState(initial?.frozen === true);
  const [run, setRun] = useState(initial?.run ?? "");
  const [step, setStep] = useState(initial?.step === null || initial?.step === undefined ? "" : String(initial.step));
  const [groupBy, setGroupBy] = useState<string | null>(initial?.group_by ?? null);
  const [bins, setBins] = useState<string | null>(initial?.group_bins ?? null);
  const [onlyDiff, setOnlyDiff] = useState(initial?.differences_only !== false);
  const bound = kind === "verdict" || kind === "image" || kind === "plot";
  const picked = kind === "image" || kind === "plot" ? kind : null;
  const groupable = GROUPED_KINDS.includes(kind);
  const listId = `rp-keys-${submitLabel.replace(/\W/g, "")}`;
  return (
    <form
      className="rp-panel-form"
      data-testid="panel-form"
      onSubmit={(e) => {
        e.preventDefault();
        const panel = panelFromForm(kind, keys, filter, frozen);
        const changedData = initial && (initial.frozen !== frozen || JSON.stringify(initial.keys) !== JSON.stringify(panel.keys) || (initial.runs ?? null) !== panel.runs || initial.kind !== kind || (initial.run ?? "") !== run.trim() || String(initial.step ?? "") !== step.trim() || (groupable && (initial.group_by ?? null) !== groupBy));
        const valued = groupBy !== null && (groupBy.startsWith(CONFIG_PREFIX) || groupBy.startsWith(SUMMARY_PREFIX));
        // settings this form does not show (smoothing, log axes; the grouping of a kind that
        // draws none) are kept; an unchanged
        // frozen panel keeps its data, a changed one takes it again at the save
        const { data, ...kept } = initial ?? { data: undefined };
        onSubmit({
          ...kept,
          ...panel,
          title: title.trim() || null,
          ...(groupable ? { group_by: groupBy, group_bins: valued ? bins : null } : {}),
          ...(bound ? { run: run.trim() || null } : {}),
          ...(kind === "image" || kind === "plot" ? { step: step.trim() === "" ? null : Number(step) } : {}),
          ...(kind === "compare" ? { differences_only: onlyDiff } : {}),
          ...(data !== undefined && data !== null && !changedData ? { data } : {}),
        });
      }}
    >
      <label>
        Kind
        <select value={kind} onChange={(e) => setKind(e.target.value as PanelKind)} data-testid="panel-kind">
          {PANEL_KINDS.map((k) => (
            <option key={k} value={k}>
              {k}
            </option>
          ))}
        </select>
      </label>
      {picked ? (
        <MediaPicker project={project} kind={picked} run={run} mediaKey={keys.trim()} onRun={setRun} onKey={setKeys} />
      ) : (
        <label className="rp-grow">
          Keys
          <input
            value={keys}
            list={listId}
            onChange={(e) => setKeys(e.target.value)}
            placeholder={kind === "line" ? "loss, val/acc" : kind === "compare" ? "every row, or config.lr, summary.val/acc, run.commit" : ANALYSIS_KINDS.includes(kind) ? "config.lr, config.batch_size, summary.val/acc" : "config.lr, summary.val/acc"}
            data-testid="panel-keys"
          />
          <datalist id={listId}>
            {suggestions.map((s) => (
              <option key={s} value={s} />
            ))}
          </datalist>
        </label>
      )}
      {bound && !picked && (
        <label>
          Run
          <input value={run} onChange={(e) => setRun(e.target.value)} placeholder="the run's id" data-testid="panel-run" />
        </label>
      )}
      {(kind === "image" || kind === "plot") && (
        <label>
          Step
          <input value={step} inputMode="numeric" onChange={(e) => setStep(e.target.value)} placeholder="the last" data-testid="panel-step" />
        </label>
      )}
      <label className="rp-grow">
        Runs
        <input
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
          placeholder={kind === "compare" ? "the runs to compare: id in ['a1b2', 'c3d4']" : "every run, or a filter: config.lr > 0.01"}
          data-testid="panel-filter"
        />
      </label>
      {groupable && (
        <span className="rp-group-by" data-testid="panel-group-by">
          <GroupBySelect
            configKeys={suggestions.filter((s) => s.startsWith(CONFIG_PREFIX)).map((s) => s.slice(CONFIG_PREFIX.length))}
            value={groupBy}
            numeric={groupBy !== null && (groupBy.startsWith(CONFIG_PREFIX) || groupBy.startsWith(SUMMARY_PREFIX))}
            bin={binChoice(bins)}
            onChange={(column) => {
              setGroupBy(column);
              setBins(null);
            }}
            onBinChange={(bin) => setBins(groupBins(decodeBinChoice(bin)))}
          />
        </span>
      )}
      {kind === "compare" && (
        <RunPicker
          project={project}
          exclude={pickedIds(filter).map((id) => ({ ref: id, project, id }))}
          onAdd={(picked) => setFilter((f) => withPickedRun(f, picked.id))}
          onlyProject
        />
      )}
      {kind === "compare" && (
        <label className="rp-check">
          <input type="checkbox" checked={onlyDiff} onChange={(e) => setOnlyDiff(e.target.checked)} data-testid="panel-only-differences" />
          Differences only
        </label>
      )}
      <label>
        Title
        <input value={title} onChange={(e) => setTitle(e.target.value)} placeholder="optional" data-testid="panel-title" />
      </label>
      <label className="rp-check">
        <input type="checkbox" checked={frozen} onChange={(e) => setFrozen(e.target.checked)} data-testid="panel-frozen" />
        Frozen
      </label>
      <button type="submit" className="button button-primary" data-testid="panel-submit">
        {submitLabel}
      </button>
      {onCancel && (
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
      )}
    </form>
  );
}
