// An image panel: one column per run (the chosen runs, named in the head), a step slider, galleries, click to enlarge; mask overlays
// with a toggle and opacity per mask set and a toggle per class; boxes with toggles per class, a
// score threshold and captions.
import { useQuery } from "@tanstack/react-query";
import { type JSX, useCallback, useMemo, useState } from "react";
import { type ImageMeta, mediaApi } from "../api";
import { itemsOf, unionSteps, valueAt } from "../lib/steps";
import { cssColor, scoreKeys } from "../lib/overlay";
import type { MediaRun } from "../lib/runChoice";
import { ImageCanvas, type OverlayControls } from "./ImageCanvas";
import { AddMediaToReport } from "../../reports/components/AddMediaToReport";
import { Lightbox } from "./Lightbox";
import { RunChooser, RunTag, useRunChoice } from "./RunChooser";

/** At most this many runs' columns in one panel (pick others in the head). */
export const MAX_IMAGE_RUNS = 8;

function toggled<T>(set: ReadonlySet<T>, item: T): Set<T> {
  const next = new Set(set);
  if (next.has(item)) next.delete(item);
  else next.add(item);
  return next;
}

export function ImagePanel({ project, runs, mediaKey }: { project: string; runs: readonly MediaRun[]; mediaKey: string }): JSX.Element {
  const choice = useRunChoice(runs, MAX_IMAGE_RUNS);
  const ids = choice.shown.map((r) => r.id);
  const query = useQuery({
    queryKey: ["media", project, ids, mediaKey],
    queryFn: () => mediaApi.values(project, ids, mediaKey),
    enabled: ids.length > 0,
  });
  const data = query.data?.runs ?? [];
  const steps = useMemo(() => unionSteps(data), [data]);
  const [index, setIndex] = useState<number | null>(null);
  const at = index === null ? steps.length - 1 : Math.min(index, steps.length - 1);
  const step = steps[at] ?? 0;
  const [enlarged, setEnlarged] = useState<ImageMeta | null>(null);
  const closeEnlarged = useCallback(() => setEnlarged(null), []);
  const [hiddenMaskSets, setHiddenMaskSets] = useState<ReadonlySet<string>>(new Set());
  const [hiddenMaskClasses, setHiddenMaskClasses] = useState<ReadonlySet<string>>(new Set());
  const [maskOpacity, setMaskOpacity] = useState<Record<string, number>>({});
  const [hiddenBoxSets, setHiddenBoxSets] = useState<ReadonlySet<string>>(new Set());
  const [hiddenBoxClasses, setHiddenBoxClasses] = useState<ReadonlySet<number>>(new Set());
  const [threshold, setThreshold] = useState(0);

  const shown = data.map((run) => ({ run, value: valueAt(run.values, step) }));
  const items = shown.flatMap(({ value }) => (value ? itemsOf<ImageMeta>(value.meta) : []));
  const maskSets = new Map<string, Record<string, string>>();
  const boxSets = new Set<string>();
  const boxClasses = new Map<number, string>();
  const allBoxes = [];
  for (const item of items) {
    for (const [name, set] of Object.entries(item.masks ?? {})) {
      maskSets.set(name, { ...maskSets.get(name), ...set.class_labels });
    }
    for (const [name, set] of Object.entries(item.boxes ?? {})) {
      boxSets.add(name);
      for (const box of set.boxes) {
        allBoxes.push(box);
        if (box.class_id !== undefined) boxClasses.set(box.class_id, set.class_labels[String(box.class_id)] ?? `class ${box.class_id}`);
      }
    }
  }
  const scoreKey = scoreKeys(allBoxes)[0] ?? null;
  const controls: OverlayControls = useMemo(
    () => ({ hiddenMaskSets, hiddenMaskClasses, maskOpacity, hiddenBoxSets, hiddenBoxClasses, scoreKey, threshold }),
    [hiddenMaskSets, hiddenMaskClasses, maskOpacity, hiddenBoxSets, hiddenBoxClasses, scoreKey, threshold],
  );
  const byId = new Map(runs.map((r) => [r.id, r]));

  return (
    <div className="cc-panel md-panel" data-w={Math.min(3, Math.max(shown.length, items.length, 1) + (maskSets.size || boxSets.size ? 1 : 0))} data-testid="image-panel" data-key={mediaKey}>
      <div className="cc-panel-head">
        <h4 className="cc-panel-title" title={mediaKey}>
          {mediaKey}
        </h4>
        {runs.length === 1 && runs[0] && <RunTag run={runs[0]} />}
        <RunChooser choice={choice} mediaKey={mediaKey} />
        {runs.length === 1 && runs[0] && steps.length > 0 && <AddMediaToReport project={project} kind="image" runId={runs[0].id} mediaKey={mediaKey} step={step} />}
        {steps.length > 0 && (
          <label className="md-step">
            step <strong data-testid="image-step">{step}</strong>
            <input
              type="range"
              min={0}
              max={Math.max(steps.length - 1, 0)}
              value={at}
              onChange={(e) => setIndex(Number(e.target.value))}
              aria-label={`Step of ${mediaKey}`}
              disabled={steps.length < 2}
            />
          </label>
        )}
      </div>
      {(maskSets.size > 0 || boxSets.size > 0) && (
        <div className="md-controls">
          {[...maskSets].map(([name, labels]) => (
            <div key={name} className="md-control-row">
              <label className="md-check">
                <input
                  type="checkbox"
                  checked={!hiddenMaskSets.has(name)}
                  onChange={() => setHiddenMaskSets((s) => toggled(s, name))}
                  aria-label={`Mask ${name}`}
                />
                mask <strong>{name}</strong>
              </label>
              <input
                type="range"
                min={0}
                max={1}
                step={0.05}
                value={maskOpacity[name] ?? 0.5}
                onChange={(e) => setMaskOpacity((o) => ({ ...o, [name]: Number(e.target.value) }))}
                aria-label={`Opacity of mask ${name}`}
                className="md-opacity"
              />
              {Object.entries(labels).map(([id, label]) => (
                <label key={id} className="md-chip">
                  <input
                    type="checkbox"
                    checked={!hiddenMaskClasses.has(`${name}:${id}`)}
                    onChange={() => setHiddenMaskClasses((s) => toggled(s, `${name}:${id}`))}
                    aria-label={`Mask ${name} class ${label}`}
                  />
                  <span className="md-dot" style={{ background: cssColor(Number(id)) }} />
                  {label}
                </label>
              ))}
            </div>
          ))}
          {boxSets.size > 0 && (
            <div className="md-control-row">
              {[...boxSets].map((name) => (
                <label key={name} className="md-check">
                  <input
                    type="checkbox"
                    checked={!hiddenBoxSets.has(name)}
                    onChange={() => setHiddenBoxSets((s) => toggled(s, name))}
                    aria-label={`Boxes ${name}`}
                  />
                  boxes <strong>{name}</strong>
                </label>
              ))}
              {[...boxClasses].map(([id, label]) => (
                <label key={id} className="md-chip">
                  <input
                    type="checkbox"
                    checked={!hiddenBoxClasses.has(id)}
                    onChange={() => setHiddenBoxClasses((s) => toggled(s, id))}
                    aria-label={`Box class ${label}`}
                  />
                  <span className="md-dot" style={{ background: cssColor(id) }} />
                  {label}
                </label>
              ))}
              {scoreKey && (
                <label className="md-threshold">
                  {scoreKey} ≥ <strong>{threshold.toFixed(2)}</strong>
                  <input
                    type="range"
                    min={0}
                    max={1}
                    step={0.01}
                    value={threshold}
                    onChange={(e) => setThreshold(Number(e.target.value))}
                    aria-label="Box score threshold"
                  />
                </label>
              )}
            </div>
          )}
        </div>
      )}
      <div className="md-columns" style={{ gridTemplateColumns: `repeat(${Math.max(shown.length, 1)}, minmax(0, 1fr))` }}>
        {query.isPending && <div className="md-missing">Loading…</div>}
        {query.error && <div className="md-missing error-text">{query.error.message}</div>}
        {shown.map(({ run, value }) => (
          <div key={run.run_id} className="md-column" data-testid="image-column">
            {shown.length > 1 && (
              <div className="md-run-name">
                {byId.has(run.run_id) ? <RunTag run={byId.get(run.run_id) as MediaRun} /> : run.run_id}
              </div>
            )}
            {value === null ? (
              <div className="md-missing">nothing logged by step {step}</div>
            ) : "error" in value.meta ? (
              <div className="md-missing error-text">{String(value.meta.error)}</div>
            ) : (
              <div className="md-gallery">
                {itemsOf<ImageMeta>(value.meta).map((item, i) => (
                  <ImageCanvas
                    key={`${value.seq}-${i}`}
                    meta={item}
                    controls={controls}
                    size={itemsOf(value.meta).length > 2 ? 128 : 224}
                    onOpen={() => setEnlarged(item)}
                  />
                ))}
              </div>
            )}
          </div>
        ))}
      </div>
      {enlarged && (
        <Lightbox label="Enlarged image" onClose={closeEnlarged}>
          <ImageCanvas meta={enlarged} controls={controls} size={Math.min(window.innerWidth, window.innerHeight) * 0.8} />
        </Lightbox>
      )}
    </div>
  );
}
