// The run page's System tab: CPU, memory, disk, network and per-GPU charts of the run's `system/*`
// readings against relative time; dragging on any chart zooms them all (double-click resets).
import { type JSX, useCallback, useMemo, useState } from "react";
import { api } from "../../api/client";
import type { RunDetail } from "../../api/types";
import { useDocumentTheme } from "../charts/hooks/useDocumentTheme";
import { SeriesScheduler } from "../charts/lib/seriesScheduler";
import type { Zoom } from "../charts/state/viewState";
import { SystemChart } from "./SystemChart";
import { systemGroups } from "./systemCharts";
import "../charts/charts.css";
import "./system.css";

export function SystemTab({ run }: { run: RunDetail }): JSX.Element {
  const groups = useMemo(() => systemGroups(run.metric_keys), [run.metric_keys]);
  const scheduler = useMemo(() => new SeriesScheduler((request) => api.series(run.project, request)), [run.project]);
  const theme = useDocumentTheme();
  const [zoom, setZoom] = useState<Zoom | null>(null);
  const onResetZoom = useCallback(() => setZoom(null), []);
  const runRef = useMemo(() => ({ id: run.id, name: run.name }), [run.id, run.name]);
  const syncKey = `cairn-system:${run.project}:${run.id}`;

  let order = 0;
  return (
    <div className="cc-root system-tab" data-testid="system-tab">
      <div className="system-toolbar">
        <span className="muted">x: relative time · drag to zoom, double-click to reset</span>
        {zoom && (
          <button type="button" className="cc-button" onClick={onResetZoom}>
            Reset zoom
          </button>
        )}
      </div>
      {groups.map((group) => (
        <section key={group.id} className="cc-section" data-testid="system-group" data-group={group.id}>
          <h3 className="system-group-title">{group.label}</h3>
          <div className="cc-grid">
            {group.charts.map((spec) => (
              <SystemChart
                key={spec.id}
                project={run.project}
                run={runRef}
                spec={spec}
                scheduler={scheduler}
                order={order++}
                zoom={zoom}
                syncKey={syncKey}
                theme={theme}
                onZoom={setZoom}
                onResetZoom={onResetZoom}
              />
            ))}
          </div>
        </section>
      ))}
    </div>
  );
}
