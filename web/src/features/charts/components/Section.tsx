// A collapsible section of panels ("train", "val", ...), with its own "Add panel".
import { type JSX, useState } from "react";
import type { LineRun } from "../lib/chartLines";
import type { ValueRun } from "../lib/runValues";
import type { PanelLayout, PanelPatch, PanelSpec } from "../state/layout";
import type { ChartView, Zoom } from "../state/viewState";
import { AddPanelDialog } from "./AddPanelDialog";
import type { SeriesScheduler } from "../lib/seriesScheduler";
import { Panel } from "./Panel";
import type { PanelSize } from "./ResizeHandle";

export interface SectionProps {
  project: string;
  scheduler: SeriesScheduler;
  /** the order of the section's first panel on the page */
  firstOrder: number;
  name: string;
  collapsed: boolean;
  panels: readonly PanelLayout[];
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
}

export function Section(props: SectionProps): JSX.Element {
  const { name, collapsed, panels } = props;
  const [adding, setAdding] = useState(false);
  return (
    <section className="cc-section" data-testid="chart-section" data-section={name} data-collapsed={collapsed}>
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
          <button type="button" className="cc-button cc-ghost" onClick={() => setAdding(true)}>
            + Add panel
          </button>
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
        <div className="cc-grid">
          {panels.map((panel, i) => (
            <Panel
              key={panel.id}
              project={props.project}
              scheduler={props.scheduler}
              order={props.firstOrder + i}
              section={name}
              panel={panel}
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
              before={panels[i - 1]?.id ?? null}
              after={panels[i + 1]?.id ?? null}
            />
          ))}
        </div>
      )}
    </section>
  );
}
