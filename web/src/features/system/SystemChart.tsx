// One System-tab chart: its keys of one run against relative time, drawn with the charts feature's
// uPlot LineChart once it nears the viewport, a colour per key and a legend when there are several.
import { type JSX, memo, useMemo, useRef } from "react";
import { paletteColor } from "../../lib/colors";
import { LineChart } from "../charts/components/LineChart";
import { useElementSize } from "../charts/hooks/useElementSize";
import { useInView } from "../charts/hooks/useInView";
import { usePanelSeries } from "../charts/hooks/usePanelSeries";
import { pointsPerSeries } from "../charts/lib/pointBudget";
import { buildLines, type ChartLine } from "../charts/lib/chartLines";
import { buildPlotData, columnBudget } from "../charts/lib/plotData";
import type { SeriesScheduler } from "../charts/lib/seriesScheduler";
import type { Zoom } from "../charts/state/viewState";
import type { SystemChartSpec } from "./systemCharts";
import { panelState } from "../charts/lib/panelState";

/** System metrics are readings over time, not per training step. */
export const SYSTEM_X = "_runtime";

export interface SystemChartProps {
  project: string;
  run: { id: string; name: string };
  spec: SystemChartSpec;
  scheduler: SeriesScheduler;
  /** the chart's place on the page (earlier charts load first) */
  order: number;
  zoom: Zoom | null;
  syncKey: string;
  theme: string;
  onZoom: (zoom: Zoom) => void;
  onResetZoom: () => void;
}

/** A colour and legend label per key (buildLines colours by run; here there is one run). */
function perKey(lines: ChartLine[], spec: SystemChartSpec, runName: string): ChartLine[] {
  return lines.map((line) => {
    const key = line.id.slice(line.id.indexOf("\u0000") + 1);
    const i = Math.max(0, spec.keys.indexOf(key));
    const label = spec.keys.length > 1 ? (spec.labels[i] ?? key) : runName;
    return { ...line, color: paletteColor(i), dash: null, label };
  });
}

function SystemChartImpl(props: SystemChartProps): JSX.Element {
  const { project, run, spec, zoom } = props;
  const rootRef = useRef<HTMLDivElement>(null);
  const bodyRef = useRef<HTMLDivElement>(null);
  const { seen } = useInView(rootRef);
  const size = useElementSize(bodyRef);
  const runIds = useMemo(() => [run.id], [run.id]);
  const maxPoints = pointsPerSeries(size.width, spec.keys.length);
  const query = usePanelSeries({
    project,
    scheduler: props.scheduler,
    priority: props.order,
    runIds,
    keys: spec.keys,
    x: SYSTEM_X,
    maxPoints,
    zoom,
    enabled: seen && size.width > 0,
  });
  const lines = useMemo(
    () => (query.data ? perKey(buildLines(query.data.series, [{ ...run, color: "", group: null }], spec.keys, false, maxPoints), spec, run.name) : []),
    [query.data, run, spec, maxPoints],
  );
  const widthBucket = Math.ceil(Math.max(size.width, 1) / 200) * 200;
  const plot = useMemo(
    () => buildPlotData(lines, { smoothing: 0, logy: false, maxColumns: columnBudget(lines.length, widthBucket) }),
    [lines, widthBucket],
  );
  const state = panelState(seen, query, lines.length);

  return (
    <div
      ref={rootRef}
      className="cc-panel system-chart"
      data-testid="system-chart"
      data-keys={spec.keys.join(",")}
      data-state={state}
      data-line-count={lines.length}
    >
      <header className="cc-panel-head">
        <h4 className="cc-panel-title" title={spec.keys.join(", ")}>
          {spec.title}
        </h4>
        {spec.keys.length > 1 && (
          <ul className="system-legend">
            {spec.labels.map((label, i) => (
              <li key={label}>
                <span className="system-swatch" style={{ background: paletteColor(i) }} aria-hidden />
                {label}
              </li>
            ))}
          </ul>
        )}
      </header>
      <div className="cc-panel-body" ref={bodyRef}>
        {state === "ready" && (
          <LineChart
            plot={plot}
            width={size.width}
            height={size.height}
            x={SYSTEM_X}
            logy={false}
            zoom={zoom}
            syncKey={props.syncKey}
            theme={props.theme}
            onZoom={props.onZoom}
            onResetZoom={props.onResetZoom}
            onXScale={() => undefined}
          />
        )}
        {state === "loading" && (
          <div className="cc-panel-note cc-loading" role="status">
            <span className="cc-spinner" aria-hidden />
            Loading
          </div>
        )}
        {state === "empty" && <div className="cc-panel-note">No readings yet</div>}
        {state === "error" && (
          <div className="cc-panel-note cc-error">
            Could not load: {query.error instanceof Error ? query.error.message : "request failed"}
          </div>
        )}
      </div>
    </div>
  );
}

export const SystemChart = memo(SystemChartImpl);
