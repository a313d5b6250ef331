// A report's panel drawn: a line panel with the workspace's uPlot chart, the value panels (bar,
// scatter, scalar) as a table of each run's values, parallel coordinates and importance as the
// sweep page draws them; above it, the run set it shows.
import { useQuery } from "@tanstack/react-query";
import { type JSX, useMemo, useRef, useState } from "react";
import type { Series } from "../../../api/types";
import { formatValue } from "../../../lib/format";
import { runColor } from "../../../lib/colors";
import { absoluteTime } from "../../../lib/time";
import { LineChart } from "../../charts/components/LineChart";
import { useDocumentTheme } from "../../charts/hooks/useDocumentTheme";
import { useElementSize } from "../../charts/hooks/useElementSize";
import { ChartLegend } from "../../charts/components/ChartLegend";
import { buildLines, withPositiveX } from "../../charts/lib/chartLines";
import { buildPlotData, columnBudget } from "../../charts/lib/plotData";
import type { Zoom } from "../../charts/state/viewState";
import { useNavigate } from "react-router-dom";
import { useChartTheme } from "../../../lib/chartTheme";
import { ValueChart } from "../../charts/components/ValueChart";
import { bars, scatterPoints } from "../../charts/lib/runValues";
import { barChart, scatterChart } from "../../charts/lib/valueOptions";
import { ANALYSIS_KINDS, type PanelBlock, type PanelData, type PanelRun, reportsApi } from "../api";
import { ImageCanvas, type OverlayControls } from "../../media/components/ImageCanvas";
import { VerdictTable } from "../../run/components/VerdictTable";
import { AnalysisPanel } from "./AnalysisPanel";
import { panelLineRuns } from "../lib/panelGroups";
import { CompareBlock } from "./CompareBlock";
import { PlotBlock } from "./PlotBlock";
import { valueRuns } from "../lib/valueRuns";
import "../../charts/charts.css";
import "../../media/media.css";

const CHART_HEIGHT = 260;
const MAX_NAMES = 8;
export const LIVE_REFRESH_MS = 10_000;
const noop = () => {};
/** An image panel shows every mask and box, as the media viewer does before any is hidden. */
const ALL_OVERLAYS: OverlayControls = {
  hiddenMaskSets: new Set(),
  hiddenMaskClasses: new Set(),
  maskOpacity: {},
  hiddenBoxSets: new Set(),
  hiddenBoxClasses: new Set(),
  scoreKey: null,
  threshold: 0,
};

/** A run's colour as the workspace draws it (by its number; a run since deleted by its id). */
function colorOf(run: PanelRun): string {
  return runColor({ id: run.id, number: run.number ?? undefined });
}

export function panelTitle(panel: PanelBlock): string {
  if (!panel.title && panel.kind === "verdict") return `reproduction of ${panel.run ?? "?"}`;
  if (!panel.title && (panel.kind === "image" || panel.kind === "plot")) return `${panel.keys[0] ?? ""} of ${panel.run ?? "?"}`;
  if (!panel.title && panel.kind === "compare") return panel.keys.length ? `run comparison: ${panel.keys.join(", ")}` : "run comparison";
  return panel.title || `${panel.kind}: ${panel.keys.join(", ")}`;
}

function RunSet({ panel, data }: { panel: PanelBlock; data: PanelData }): JSX.Element {
  const count = data.runs.length;
  return (
    <div className="rp-runset muted small" data-testid="panel-runset">
      {panel.run ? (
        <span>run:</span> // a verdict, image or plot panel reads its one run, whatever the filter
      ) : (
        <>
          <span>{panel.runs ? <code>{panel.runs}</code> : "every run"}</span>
          <span>· {count === 1 ? "1 run" : `${count} runs`}:</span>
        </>
      )}
      {data.runs.slice(0, MAX_NAMES).map((r) => (
        <span key={r.id} className="rp-run-name">
          <span className="rp-swatch" style={{ background: colorOf(r) }} />
          {r.name}
        </span>
      ))}
      {count > MAX_NAMES && <span>and {count - MAX_NAMES} more</span>}
      {panel.group_by && (
        <span>
          · grouped by <code>{panel.group_by}</code>
        </span>
      )}
      <span>· {data.frozen ? `frozen ${absoluteTime(data.taken_at)}` : "live"}</span>
    </div>
  );
}

function LinePanelChart({ panel, data }: { panel: PanelBlock; data: PanelData }): JSX.Element {
  const hostRef = useRef<HTMLDivElement>(null);
  const size = useElementSize(hostRef);
  const theme = useDocumentTheme();
  const [zoom, setZoom] = useState<Zoom | null>(null);
  const plot = useMemo(() => {
    const grouped = Boolean(panel.group_by);
    const runs = panelLineRuns(data.runs, grouped, colorOf, panel.group_bins);
    const series: Series[] = data.runs.flatMap((r) => r.series.map((s) => ({ ...s, run_id: r.id })));
    const built = buildLines(series, runs, panel.keys, grouped, 1500);
    const lines = panel.log_x ? withPositiveX(built) : built;
    const smoothing = panel.smoothing ?? 0;
    const columns = columnBudget(lines.length * (smoothing > 0 ? 2 : 1), Math.max(size.width, 200));
    return { lines, plot: buildPlotData(lines, { smoothing, logy: panel.log_y === true, maxColumns: columns }) };
  }, [data, panel.keys, panel.group_by, panel.group_bins, panel.log_x, panel.log_y, panel.smoothing, size.width]);
  return (
    <>
      <div
        className="rp-chart"
        ref={hostRef}
        data-testid="panel-chart"
        data-lines={plot.lines.length}
        data-grouped={Boolean(panel.group_by)}
        data-last-step={Math.max(...plot.lines.map((line) => line.x[line.x.length - 1] ?? -Infinity))}
      >
        {plot.lines.length === 0 ? (
          <div className="muted rp-chart-empty" data-testid="panel-no-lines">No run of this set logged {panel.keys.join(", ")}.</div>
        ) : (
          <LineChart
            plot={plot.plot}
            width={size.width}
            height={CHART_HEIGHT}
            x="_step"
            logy={panel.log_y === true}
            logx={panel.log_x === true}
            zoom={zoom}
            syncKey={`report-${panel.keys.join(",")}`}
            theme={theme}
            onZoom={setZoom}
            onResetZoom={() => setZoom(null)}
            onXScale={noop}
          />
        )}
      </div>
      {plot.lines.length > 0 && <ChartLegend lines={plot.lines} emphasis={null} />}
    </>
  );
}

const MAX_BARS = 40;

/** A bar panel's first key as bars, a scatter panel's two keys as points: the workspace's charts. */
function ValuePanelChart({ project, panel, data }: { project: string; panel: PanelBlock; data: PanelData }): JSX.Element | null {
  const hostRef = useRef<HTMLDivElement>(null);
  const size = useElementSize(hostRef);
  const theme = useChartTheme();
  const navigate = useNavigate();
  const chart = useMemo(() => {
    const runs = valueRuns(data.runs, colorOf);
    const [a, b] = panel.keys;
    if (panel.kind === "scatter" && a && b) {
      const log = { x: false, y: false };
      return scatterChart(scatterPoints(runs, a, b, null, log), { x: a, y: b, color: null }, log);
    }
    if (panel.kind === "bar" && a) {
      // Grouped: a bar per group (its runs' mean and range), named and coloured as its lines are.
      const grouped = Boolean(panel.group_by);
      const groups = panelLineRuns(data.runs, grouped, colorOf, panel.group_bins);
      const barRuns = grouped ? runs.map((r, i) => ({ ...r, group: groups[i]?.group ?? null, color: groups[i]?.color ?? r.color })) : runs;
      return barChart(bars(barRuns, a, grouped).slice(0, MAX_BARS), a, grouped, { text: theme.text, panel: theme.panel });
    }
    return null;
  }, [data, panel.kind, panel.keys, panel.group_by, panel.group_bins, theme.text, theme.panel]);
  if (!chart) return null;
  const height = panel.kind === "bar" ? Math.min(CHART_HEIGHT, 40 + 22 * chart.anchors.length) : CHART_HEIGHT;
  return (
    <div className="rp-value-chart" ref={hostRef} style={{ height }} data-testid="panel-value-chart" data-items={chart.anchors.length}>
      {chart.anchors.length === 0 ? (
        <div className="muted rp-chart-empty">No run of this set has {panel.keys.join(" and ")}.</div>
      ) : (
        size.width > 0 && (
          <ValueChart chart={chart} width={size.width} height={height} onOpenRun={(id) => navigate(`/p/${encodeURIComponent(project)}/r/${encodeURIComponent(id)}`)} />
        )
      )}
    </div>
  );
}

function ValuesTable({ panel, data }: { panel: PanelBlock; data: PanelData }): JSX.Element {
  return (
    <table className="simple-table rp-values" data-testid="panel-values">
      <thead>
        <tr>
          <th>Run</th>
          {panel.group_by && <th>{panel.group_by}</th>}
          {panel.keys.map((k) => (
            <th key={k} className="num">
              {k}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {data.runs.map((r) => (
          <tr key={r.id}>
            <td>
              <span className="rp-swatch" style={{ background: colorOf(r) }} />
              {r.name}
            </td>
            {panel.group_by && <td>{formatValue(r.group ?? undefined)}</td>}
            {panel.keys.map((k) => (
              <td key={k} className="num">
                {formatValue(r.values[k] ?? undefined)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function PanelView({ project, panel }: { project: string; panel: PanelBlock }): JSX.Element {
  const key = JSON.stringify(panel);
  const data = useQuery({
    queryKey: ["report-panel", project, key],
    queryFn: () => reportsApi.panel(project, panel),
    staleTime: 10_000,
    // a live panel follows its runs (new runs, new steps); frozen data never changes
    refetchInterval: panel.frozen && panel.data ? false : LIVE_REFRESH_MS,
  });
  return (
    <figure className="rp-panel" data-testid="panel-view" data-kind={panel.kind}>
      <figcaption className="rp-panel-title">{panelTitle(panel)}</figcaption>
      {data.isPending ? (
        <div className="muted rp-chart-empty">Loading…</div>
      ) : data.isError ? (
        <div className="error-text rp-chart-empty" data-testid="panel-error">
          {data.error.message}
        </div>
      ) : (
        <>
          <RunSet panel={panel} data={data.data} />
          {panel.kind === "line" ? (
            <LinePanelChart panel={panel} data={data.data} />
          ) : panel.kind === "image" ? (
            data.data.image ? (
              <div className="rp-image" data-testid="panel-image" data-step={data.data.image.step}>
                <ImageCanvas meta={data.data.image.meta} controls={ALL_OVERLAYS} size={320} />
              </div>
            ) : (
              <div className="muted rp-chart-empty" data-testid="panel-no-image">
                No image {panel.keys[0]} {panel.step === null || panel.step === undefined ? "" : `at step ${panel.step} `}in this run.
              </div>
            )
          ) : panel.kind === "plot" ? (
            <PlotBlock panel={panel} data={data.data} />
          ) : panel.kind === "verdict" ? (
            data.data.verdict ? (
              <VerdictTable reproduction={data.data.verdict} />
            ) : (
              <div className="muted rp-chart-empty" data-testid="panel-no-verdict">
                {data.data.runs.length ? "Not reproduced yet: run cairn reproduce on it." : "This run is not in the project."}
              </div>
            )
          ) : panel.kind === "compare" ? (
            <CompareBlock panel={panel} data={data.data} colorOf={colorOf} />
          ) : ANALYSIS_KINDS.includes(panel.kind) ? (
            <AnalysisPanel project={project} panel={panel} data={data.data} colorOf={colorOf} />
          ) : (
            <>
              <ValuePanelChart project={project} panel={panel} data={data.data} />
              <ValuesTable panel={panel} data={data.data} />
            </>
          )}
        </>
      )}
    </figure>
  );
}
