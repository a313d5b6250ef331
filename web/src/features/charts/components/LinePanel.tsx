// A line-chart panel: the panel's metric keys over x for every run (or group), drawn once it nears
// the viewport; its own settings (min/max markers, y range, log x, smoothing) override the workspace's.
import { type JSX, useCallback, useMemo, useRef, useState } from "react";
import type { XAxis } from "../../../api/types";
import { buildLines, groupRuns, withPositiveX } from "../lib/chartLines";
import { DENSITY_MIN_LINES } from "../lib/density";
import { betterDirection, extremePoints } from "../lib/extremes";
import { buildPlotData, columnBudget } from "../lib/plotData";
import { usePanelSeries } from "../hooks/usePanelSeries";
import { pointsPerSeries } from "../lib/pointBudget";
import { useElementSize } from "../hooks/useElementSize";
import { useInView } from "../hooks/useInView";
import { panelState } from "../lib/panelState";
import type { LineSettings } from "../state/layout";
import type { Zoom } from "../state/viewState";
import { setHoveredRun, useHoveredRun } from "../state/hoveredRun";
import { AddToReportDialog } from "../../reports/components/AddToReportDialog";
import { ChartLegend } from "./ChartLegend";
import { KeyPicker } from "./KeyPicker";
import { LineChart } from "./LineChart";
import { LineSettingsForm } from "./LineSettingsForm";
import type { PanelProps } from "./Panel";
import { PanelFrame } from "./PanelFrame";

/** Cairn's system readings are sampled over time, not per step: their panels draw against time. */
const SYSTEM_X: XAxis = "_runtime";

function isSystemPanel(keys: readonly string[]): boolean {
  return keys.length > 0 && keys.every((k) => k.startsWith("system/"));
}

export function LinePanel(props: PanelProps): JSX.Element {
  const { project, section, panel, runs, runIds, grouped, view } = props;
  const settings: LineSettings = panel.line ?? {};
  const rootRef = useRef<HTMLDivElement>(null);
  const bodyRef = useRef<HTMLDivElement>(null);
  const { seen } = useInView(rootRef, true);
  const size = useElementSize(bodyRef);
  const [editing, setEditing] = useState<"keys" | "settings" | "report" | null>(null);
  const [densityAsked, setDensityAsked] = useState(false);
  // A system panel keeps its own x (relative time) and zoom when the page's x is something else.
  const ownX = isSystemPanel(panel.keys) && view.x !== SYSTEM_X;
  const [ownZoom, setOwnZoom] = useState<Zoom | null>(null);
  const x = ownX ? SYSTEM_X : view.x;
  const zoom = ownX ? ownZoom : view.zoom;
  const onResetOwnZoom = useCallback(() => setOwnZoom(null), []);
  const smoothing = settings.smooth ?? view.smoothing;
  const logx = settings.logx === true;

  const lineCount = (grouped ? groupRuns(runs).length : runs.length) * panel.keys.length;
  const densityOffered = lineCount >= DENSITY_MIN_LINES;
  const density = densityAsked && densityOffered;
  const maxPoints = pointsPerSeries(size.width, runs.length * panel.keys.length);
  const query = usePanelSeries({
    project,
    scheduler: props.scheduler,
    priority: props.order,
    runIds,
    keys: panel.keys,
    x,
    maxPoints,
    zoom,
    enabled: seen && size.width > 0,
  });

  const lines = useMemo(() => {
    const built = query.data ? buildLines(query.data.series, runs, panel.keys, grouped, maxPoints) : [];
    return logx ? withPositiveX(built) : built;
  }, [query.data, runs, panel.keys, grouped, maxPoints, logx]);
  const widthBucket = Math.ceil(Math.max(size.width, 1) / 200) * 200;
  const plot = useMemo(
    () =>
      buildPlotData(lines, {
        smoothing,
        logy: view.logy,
        maxColumns: columnBudget(lineCount * (smoothing > 0 ? 2 : 1), widthBucket),
      }),
    [lines, smoothing, view.logy, lineCount, widthBucket],
  );
  const extremes = useMemo(
    () => (settings.extremes ? extremePoints(lines, settings.extremes) : []),
    [lines, settings.extremes],
  );
  const yRange = useMemo(
    () => (settings.ymin === undefined && settings.ymax === undefined ? null : { min: settings.ymin, max: settings.ymax }),
    [settings.ymin, settings.ymax],
  );

  const onXScale = useCallback((min: number, max: number) => {
    const root = rootRef.current;
    if (!root) return;
    root.dataset.xMin = String(min);
    root.dataset.xMax = String(max);
  }, []);
  const onDensityDrawn = useCallback((max: number) => {
    const root = rootRef.current;
    if (root) root.dataset.densityMax = String(max);
  }, []);
  const onYScale = useCallback((min: number, max: number) => {
    const root = rootRef.current;
    if (!root) return;
    root.dataset.yMin = String(min);
    root.dataset.yMax = String(max);
  }, []);

  const hovered = useHoveredRun();
  const emphasis = hovered !== null && lines.some((line) => line.runIds.includes(hovered)) ? hovered : null;
  const onNearest = useCallback((ids: readonly string[] | null) => {
    // A group's line stands for its runs: its first one marks the group's row (and the line).
    setHoveredRun(ids?.[0] ?? null);
  }, []);

  const state = panelState(seen, query, lines.length);
  const title = panel.keys.join(", ");
  const firstKey = panel.keys[0] ?? "";
  const direction = useMemo(() => {
    const summaries = new Map(props.valueRuns.map((r) => [r.id, r.summary[firstKey]]));
    const summaryOf = (id: string) => {
      const value = summaries.get(id);
      return typeof value === "number" ? value : null;
    };
    // Only a one-key panel's lines are the first key's.
    return betterDirection(firstKey, panel.keys.length === 1 ? lines : [], summaryOf);
  }, [firstKey, lines, props.valueRuns, panel.keys.length]);
  const setLine = (line: LineSettings) =>
    props.onSettings(section, panel.id, { line: Object.keys(line).length > 0 ? line : undefined });

  const chart = (width: number, height: number, syncKey: string) => (
    <LineChart
      plot={plot}
      width={width}
      height={height}
      x={x}
      logy={view.logy}
      logx={logx}
      yRange={yRange}
      extremes={extremes}
      zoom={zoom}
      syncKey={syncKey}
      theme={props.theme}
      emphasis={emphasis}
      density={density}
      onDensityDrawn={onDensityDrawn}
      onNearest={onNearest}
      onZoom={ownX ? setOwnZoom : props.onZoom}
      onResetZoom={ownX ? onResetOwnZoom : props.onResetZoom}
      onXScale={onXScale}
      onYScale={onYScale}
    />
  );
  const syncKey = ownX ? `${props.syncKey}:${SYSTEM_X}` : props.syncKey;

  return (
    <PanelFrame
      section={section}
      panel={panel}
      title={title}
      rootRef={rootRef}
      bodyRef={bodyRef}
      data={{
        "data-keys": title,
        "data-state": state,
        "data-line-count": lines.length,
        "data-nonfinite-count": plot.markers.length,
        "data-x": x,
        "data-emphasis": emphasis ?? undefined,
        "data-view": density ? "density" : "lines",
        "data-smoothing": smoothing,
        "data-extremes": settings.extremes ? JSON.stringify(extremes.map((p) => [p.runIds.join(","), p.x, p.y])) : undefined,
      }}
      menu={[
        { label: "Edit metrics…", onSelect: () => setEditing("keys") },
        { label: "Panel settings…", onSelect: () => setEditing("settings") },
        { label: "Add to report…", onSelect: () => setEditing("report") },
        ...(densityOffered
          ? [
              density
                ? { label: "Show as lines", onSelect: () => setDensityAsked(false) }
                : { label: "Show as density", onSelect: () => setDensityAsked(true) },
            ]
          : []),
        settings.extremes
          ? { label: `Hide ${settings.extremes} markers`, onSelect: () => setLine({ ...settings, extremes: undefined }) }
          : { label: `Mark the ${direction} of each line`, onSelect: () => setLine({ ...settings, extremes: direction }) },
      ]}
      neighbours={{ before: props.before, after: props.after }}
      badges={
        <>
          {settings.smooth !== undefined && (
            <button
              type="button"
              className="cc-badge"
              data-testid="panel-smoothing"
              title="This panel's own smoothing (the workspace's does not apply). Click to follow the workspace again."
              onClick={() => setLine({ ...settings, smooth: undefined })}
            >
              smoothing {settings.smooth.toFixed(2)} · panel ✕
            </button>
          )}
          {query.isFetching && state === "ready" && <span className="cc-fetching" aria-label="Updating" />}
        </>
      }
      overlay={
        <>
          {editing === "keys" && (
            <KeyPicker
              keys={props.metricKeys}
              initial={panel.keys}
              title="Metrics in this panel"
              confirmLabel="Apply"
              onCancel={() => setEditing(null)}
              onConfirm={(keys) => {
                setEditing(null);
                props.onEditKeys(section, panel.id, keys);
              }}
            />
          )}
          {editing === "report" && (
            <AddToReportDialog
              project={project}
              panel={{ kind: "line", keys: panel.keys, smoothing, log_x: logx, log_y: view.logy }}
              onClose={() => setEditing(null)}
            />
          )}
          {editing === "settings" && (
            <LineSettingsForm
              initial={settings}
              smoothing={view.smoothing}
              onCancel={() => setEditing(null)}
              onConfirm={(line) => {
                setEditing(null);
                setLine(line);
              }}
            />
          )}
        </>
      }
      footer={state === "ready" ? <ChartLegend lines={lines} emphasis={emphasis} /> : undefined}
      renderFull={(full) => (state === "ready" ? chart(full.width, full.height, `${syncKey}:full`) : null)}
      onRemove={props.onRemove}
      onResize={props.onResize}
      onMove={props.onMove}
      pinned={props.pinned}
      onPin={props.onPin}
    >
      {state === "ready" && chart(size.width, size.height, syncKey)}
      {state === "loading" && (
        <div className="cc-panel-note cc-loading" role="status">
          <span className="cc-spinner" aria-hidden />
          Loading
        </div>
      )}
      {state === "empty" && <div className="cc-panel-note">No data for these runs</div>}
      {state === "error" && (
        <div className="cc-panel-note cc-error" title={String(query.error)}>
          Could not load: {query.error instanceof Error ? query.error.message : "request failed"}
        </div>
      )}
    </PanelFrame>
  );
}
