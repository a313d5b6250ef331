// One chart panel: title, "⋯" menu, the line chart (drawn once it nears the viewport), resize corner.
import { type JSX, memo, useCallback, useMemo, useRef, useState } from "react";
import type { XAxis } from "../../../api/types";
import { buildLines, groupRuns, type LineRun } from "../lib/chartLines";
import { buildPlotData, columnBudget } from "../lib/plotData";
import { pointsPerSeries, usePanelSeries } from "../hooks/usePanelSeries";
import type { SeriesScheduler } from "../lib/seriesScheduler";
import { useElementSize } from "../hooks/useElementSize";
import { useInView } from "../hooks/useInView";
import type { PanelLayout } from "../state/layout";
import type { ChartView, Zoom } from "../state/viewState";
import { setHoveredRun, useHoveredRun } from "../state/hoveredRun";
import { ChartLegend } from "./ChartLegend";
import { KeyPicker } from "./KeyPicker";
import { LineChart } from "./LineChart";
import { PanelMenu } from "./PanelMenu";
import { PANEL_HEIGHTS, type PanelSize, ResizeHandle } from "./ResizeHandle";
import { panelState } from "../lib/panelState";

export interface PanelProps {
  project: string;
  scheduler: SeriesScheduler;
  /** the panel's place on the page (earlier panels load first) */
  order: number;
  section: string;
  panel: PanelLayout;
  runs: readonly LineRun[];
  /** sorted */
  runIds: readonly string[];
  grouped: boolean;
  view: ChartView;
  metricKeys: readonly string[];
  syncKey: string;
  theme: string;
  onZoom: (zoom: Zoom) => void;
  onResetZoom: () => void;
  onRemove: (section: string, panelId: string) => void;
  onEditKeys: (section: string, panelId: string, keys: string[]) => void;
  onResize: (section: string, panelId: string, size: PanelSize) => void;
}


/** Cairn's system readings are sampled over time, not per step: their panels draw against time. */
const SYSTEM_X: XAxis = "_runtime";

function isSystemPanel(keys: readonly string[]): boolean {
  return keys.length > 0 && keys.every((k) => k.startsWith("system/"));
}

function PanelImpl(props: PanelProps): JSX.Element {
  const { project, section, panel, runs, runIds, grouped, view } = props;
  const rootRef = useRef<HTMLDivElement>(null);
  const bodyRef = useRef<HTMLDivElement>(null);
  const { seen } = useInView(rootRef);
  const size = useElementSize(bodyRef);
  const [preview, setPreview] = useState<PanelSize | null>(null);
  const [editing, setEditing] = useState(false);
  // A system panel keeps its own x (relative time) and zoom when the page's x is something else.
  const ownX = isSystemPanel(panel.keys) && view.x !== SYSTEM_X;
  const [ownZoom, setOwnZoom] = useState<Zoom | null>(null);
  const x = ownX ? SYSTEM_X : view.x;
  const zoom = ownX ? ownZoom : view.zoom;
  const onResetOwnZoom = useCallback(() => setOwnZoom(null), []);

  const lineCount = (grouped ? groupRuns(runs).length : runs.length) * panel.keys.length;
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

  const lines = useMemo(
    () => (query.data ? buildLines(query.data.series, runs, panel.keys, grouped, maxPoints) : []),
    [query.data, runs, panel.keys, grouped, maxPoints],
  );
  const widthBucket = Math.ceil(Math.max(size.width, 1) / 200) * 200;
  const plot = useMemo(
    () =>
      buildPlotData(lines, {
        smoothing: view.smoothing,
        logy: view.logy,
        maxColumns: columnBudget(lineCount * (view.smoothing > 0 ? 2 : 1), widthBucket),
      }),
    [lines, view.smoothing, view.logy, lineCount, widthBucket],
  );

  const onXScale = useCallback((min: number, max: number) => {
    const root = rootRef.current;
    if (!root) return;
    root.dataset.xMin = String(min);
    root.dataset.xMax = String(max);
  }, []);

  const hovered = useHoveredRun();
  const emphasis = hovered !== null && lines.some((line) => line.runIds.includes(hovered)) ? hovered : null;
  const onNearest = useCallback((runIds: readonly string[] | null) => {
    // A group's line stands for several runs: no single row to highlight.
    setHoveredRun(runIds && runIds.length === 1 ? (runIds[0] as string) : null);
  }, []);

  const state = panelState(seen, query, lines.length);
  const w = preview?.w ?? panel.w;
  const h = preview?.h ?? panel.h;
  const title = panel.keys.join(", ");

  return (
    <div
      ref={rootRef}
      className={`cc-panel${preview ? " cc-resizing" : ""}`}
      style={{ height: PANEL_HEIGHTS[h] }}
      data-testid="chart-panel"
      data-panel-id={panel.id}
      data-keys={title}
      data-state={state}
      data-line-count={lines.length}
      data-nonfinite-count={plot.markers.length}
      data-x={x}
      data-emphasis={emphasis ?? undefined}
      data-w={w}
      data-h={h}
    >
      <header className="cc-panel-head">
        <h4 className="cc-panel-title" title={title}>
          {title}
        </h4>
        {query.isFetching && state === "ready" && <span className="cc-fetching" aria-label="Updating" />}
        <PanelMenu
          onEditKeys={() => setEditing(true)}
          onRemove={() => props.onRemove(section, panel.id)}
        />
      </header>
      {editing && (
        <KeyPicker
          keys={props.metricKeys}
          initial={panel.keys}
          title="Metrics in this panel"
          confirmLabel="Apply"
          onCancel={() => setEditing(false)}
          onConfirm={(keys) => {
            setEditing(false);
            props.onEditKeys(section, panel.id, keys);
          }}
        />
      )}
      <div className="cc-panel-body" ref={bodyRef}>
        {state === "ready" && (
          <LineChart
            plot={plot}
            width={size.width}
            height={size.height}
            x={x}
            logy={view.logy}
            zoom={zoom}
            syncKey={ownX ? `${props.syncKey}:${SYSTEM_X}` : props.syncKey}
            theme={props.theme}
            emphasis={emphasis}
            onNearest={onNearest}
            onZoom={ownX ? setOwnZoom : props.onZoom}
            onResetZoom={ownX ? onResetOwnZoom : props.onResetZoom}
            onXScale={onXScale}
          />
        )}
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
      </div>
      {state === "ready" && <ChartLegend lines={lines} emphasis={emphasis} />}
      <ResizeHandle
        panelRef={rootRef}
        onPreview={setPreview}
        onResize={(next) => props.onResize(section, panel.id, next)}
      />
    </div>
  );
}

/** Re-renders only when its own inputs change (not when a sibling is resized). */
export const Panel = memo(PanelImpl);
