// One panel of a section, drawn by its kind: metric lines (LinePanel) or one value per run
// (scatter, bar, scalar: ValuePanel).
import { type JSX, memo } from "react";
import type { LineRun } from "../lib/chartLines";
import type { ValueRun } from "../lib/runValues";
import type { SeriesScheduler } from "../lib/seriesScheduler";
import type { PanelLayout, PanelPatch } from "../state/layout";
import type { ChartView, Zoom } from "../state/viewState";
import { LinePanel } from "./LinePanel";
import type { PanelSize } from "./ResizeHandle";
import { ValuePanel } from "./ValuePanel";

export interface PanelProps {
  project: string;
  scheduler: SeriesScheduler;
  /** the panel's place on the page (earlier panels load first) */
  order: number;
  section: string;
  panel: PanelLayout;
  /** pinned to the Pinned section at the top */
  pinned: boolean;
  runs: readonly LineRun[];
  /** the same runs with their config and summary (empty where the page has none) */
  valueRuns: readonly ValueRun[];
  /** sorted */
  runIds: readonly string[];
  grouped: boolean;
  view: ChartView;
  metricKeys: readonly string[];
  syncKey: string;
  theme: string;
  /** the panels before and after this one in its section (null at the ends) */
  before: string | null;
  after: string | null;
  onZoom: (zoom: Zoom) => void;
  onResetZoom: () => void;
  onRemove: (section: string, panelId: string) => void;
  onEditKeys: (section: string, panelId: string, keys: string[]) => void;
  onSettings: (section: string, panelId: string, patch: PanelPatch) => void;
  onResize: (section: string, panelId: string, size: PanelSize) => void;
  onMove: (section: string, panelId: string, targetId: string) => void;
  onPin: (panelId: string) => void;
}

function PanelImpl(props: PanelProps): JSX.Element {
  return (props.panel.kind ?? "line") === "line" ? <LinePanel {...props} /> : <ValuePanel {...props} />;
}

/** Re-renders only when its own inputs change (not when a sibling is resized). */
export const Panel = memo(PanelImpl);
