// A collapsible section of panels ("train", "val", ...), with its own "Add panel"; or the "Pinned"
// section at the top, of panels that live in the others. Only the panels near the view are
// mounted (and draw a chart); the others are placeholders of their size.
import { type JSX, useRef, useState } from "react";
import { useNearPanels } from "../hooks/useNearPanels";
import type { LineRun } from "../lib/chartLines";
import type { ValueRun } from "../lib/runValues";
import type { PanelLayout, PanelPatch, PanelSpec } from "../state/layout";
import type { ChartView, Zoom } from "../state/viewState";
import { AddPanelDialog } from "./AddPanelDialog";
import type { SeriesScheduler } from "../lib/seriesScheduler";
import { Panel } from "./Panel";
import { PANEL_HEIGHTS, type PanelSize } from "./ResizeHandle";

export interface SectionProps {
  project: string;
  scheduler: SeriesScheduler;
  /** the order of the section's first panel on the page */
  firstOrder: number;
  name: string;
  collapsed: boolean;
  panels: readonly PanelLayout[];
  /** the Pinned section: `homes` gives the section each panel lives in (no "Add panel", no moves) */
  homes?: readonly string[];
  /** ids of the pinned panels */
  pinned: ReadonlySet<string>;
  runs: readonly LineRun[];
  valueRuns: readonly ValueRun[];
  valueKeys: readonly string[];
  runIds: readonly string[];
  grouped: boolean;
  view: ChartView;
  metricKeys: readonly string[];
  syncKey: string;
  theme: string;
  onToggle: (section: string) => void;
  onAddPanel: (section: string, spec: PanelSpec) => void;
  onZoom: (zoom: Zoom) => void;
  onResetZoom: () => void;
  onRemove: (section: string, panelId: string) => void;
  onEditKeys: (section: string, panelId: string, keys: string[]) => void;
  onSettings: (section: string, panelId: string, patch: PanelPatch) => void;
  onResize: (section: string, panelId: string, size: PanelSize) => void;
  onMove: (section: string, panelId: string, targetId: string) => void;
  onPin: (panelId: string) => void;
}

/** Where a panel far from the view would be: its size, its title, no chart. */
function Placeholder({ panel }: { panel: PanelLayout }): JSX.Element {
  return (
    <div
      className="cc-panel cc-placeholder"
      style={{ height: PANEL_HEIGHTS[panel.h] }}
      data-testid="panel-placeholder"
      data-panel-id={panel.id}
      data-w={panel.w}
      data-h={panel.h}
    >
      <header className="cc-panel-head">
        <h4 className="cc-panel-title">{panel.keys.join(", ")}</h4>
      </header>
    </div>
  );
}

export function Section(props: SectionProps): JSX.Element {
  const { name, collapsed, panels, homes } = props;
  const [adding, setAdding] = useState(false);
  const gridRef = useRef<HTMLDivElement>(null);
  const near = useNearPanels(gridRef, !collapsed);
  return (
    <section
      className={`cc-section${homes ? " cc-pinned-section" : ""}`}
      data-testid={homes ? "pinned-section" : "chart-section"}
      data-section={name}
      data-collapsed={collapsed}
    >
      <header className="cc-section-head">
        <button
          type="button"
          className="cc-section-toggle"
          aria-expanded={!collapsed}
          onClick={() => props.onToggle(name)}
        >
          <span className={`cc-chevron${collapsed ? "" : " cc-open"}`} aria-hidden>
            ▸
          </span>
          <span className="cc-section-name">{name}</span>
          <span className="cc-section-count">{panels.length}</span>
        </button>
        <div className="cc-section-actions">
          {!homes && (
            <button type="button" className="cc-button cc-ghost" onClick={() => setAdding(true)}>
              + Add panel
            </button>
          )}
          {adding && (
            <AddPanelDialog
              title={`New panel in ${name}`}
              metricKeys={props.metricKeys}
              valueKeys={props.valueKeys}
              valueRuns={props.valueRuns}
              onCancel={() => setAdding(false)}
              onAdd={(spec) => {
                setAdding(false);
                props.onAddPanel(name, spec);
              }}
            />
          )}
        </div>
      </header>
      {!collapsed && (
        <div className="cc-grid" ref={gridRef}>
          {panels.map((panel, i) =>
            near !== null && !near.has(panel.id) ? (
              <Placeholder key={panel.id} panel={panel} />
            ) : (
            <Panel
              key={panel.id}
              project={props.project}
              scheduler={props.scheduler}
              order={props.firstOrder + i}
              section={homes?.[i] ?? name}
              panel={panel}
              pinned={props.pinned.has(panel.id)}
              runs={props.runs}
              valueRuns={props.valueRuns}
              runIds={props.runIds}
              grouped={props.grouped}
              view={props.view}
              metricKeys={props.metricKeys}
              syncKey={props.syncKey}
              theme={props.theme}
              onZoom={props.onZoom}
              onResetZoom={props.onResetZoom}
              onRemove={props.onRemove}
              onEditKeys={props.onEditKeys}
              onSettings={props.onSettings}
              onResize={props.onResize}
              onMove={props.onMove}
              onPin={props.onPin}
              before={homes ? null : (panels[i - 1]?.id ?? null)}
              after={homes ? null : (panels[i + 1]?.id ?? null)}
            />
            ),
          )}
        </div>
      )}
    </section>
  );
}
