// The charts of a set of runs: sections of line-chart panels, laid out and saved per workspace.
import { useQuery } from "@tanstack/react-query";
import { type JSX, useCallback, useDeferredValue, useEffect, useMemo, useState } from "react";
import { api } from "../../api/client";
import type { JsonValue, XAxis } from "../../api/types";
import { useMediaKeys } from "../media/hooks/useMediaKeys";
import { normsOfHistograms } from "../media/lib/watchKeys";
import { WorkspaceMedia } from "../media/WorkspaceMedia";
import { ChartToolbar } from "./components/ChartToolbar";
import { Section } from "./components/Section";
import type { PanelSize } from "./components/ResizeHandle";
import { useDocumentTheme } from "./hooks/useDocumentTheme";
import { useLiveProbe } from "./hooks/useLiveProbe";
import { SeriesScheduler } from "./lib/seriesScheduler";
import { numericKeys, type ValueRun } from "./lib/runValues";
import { panelSearch } from "./lib/panelSearch";
import { isChartableKey, sectionOf } from "./lib/sections";
import { keyLabel } from "./lib/valueOptions";
import {
  addKindPanel,
  addPanel,
  movePanel,
  type PanelPatch,
  pinnedPanels,
  type PanelSpec,
  type SavedSettings,
  updatePanelSettings,
  removePanel,
  resizePanel,
  setPanelKeys,
  shownPanels,
  sortedKeys,
  togglePin,
} from "./state/layout";
import { usePersonalState } from "../views/personalState";
import { useSavedViewName } from "../views/savedView";
import { useChartsLayout } from "./state/useChartsLayout";
import { useChartView } from "./state/useChartView";
import { type ChartView, resolveX, type Zoom } from "./state/viewState";
import "./charts.css";

export interface ChartRun {
  /** a run of the grid's project by id, or of another project by its path `project/id` (the
   * series routes take both; media panels show the grid's own project's runs only) */
  id: string;
  name: string;
  color: string;
  group: string | null;
}

/** A run's config (flattened with ".") and summary, for the scatter, bar and scalar panels. */
export interface RunValues {
  id: string;
  created_at: number;
  config: Record<string, JsonValue>;
  summary: Record<string, JsonValue>;
}

export interface PanelGridProps {
  project: string;
  /** the runs to draw, in table order, with their colours */
  runs: ChartRun[];
  /** true: runs sharing `group` are one line (mean) with a min–max band */
  grouped: boolean;
  /** which saved layout to use (default "default"); the run page uses "run", compare "compare" */
  workspaceKey?: string;
  /** the runs' config and summary (by id); without them only line panels can be added */
  values?: readonly RunValues[];
  /** also draw the runs' media keys (images, histograms, tables...) after the line charts */
  media?: boolean;
  /** runs selected in the table: media panels draw these first */
  selected?: readonly string[];
}

/** How long the smoothing slider rests before the URL (and the saved settings) follow it. */
const SMOOTHING_COMMIT_MS = 200;
/** How long typing in the panel search rests before the URL follows it. */
const SEARCH_COMMIT_MS = 300;
/** How often to look for metric keys that live runs start logging. */
const KEYS_REFRESH_MS = 30_000;

/** The Pinned section's name in the viewer's collapsed sections (no metric prefix has a NUL). */
const PINNED_SECTION = "\u0000pinned";

/** The same array while the runs' ids, names, colours and groups stay the same. */
function useStableRuns(runs: ChartRun[]): ChartRun[] {
  const signature = runs.map((r) => `${r.id}\u0001${r.name}\u0001${r.color}\u0001${r.group ?? ""}`).join("\u0002");
  // eslint-disable-next-line react-hooks/exhaustive-deps -- the signature stands for the contents
  return useMemo(() => runs, [signature]);
}

/** The charted runs joined with their values, in table order (runs without values are left out). */
function useValueRuns(runs: readonly ChartRun[], values: readonly RunValues[] | undefined): ValueRun[] {
  return useMemo(() => {
    if (!values) return [];
    const byId = new Map(values.map((v) => [v.id, v]));
    return runs.flatMap((run) => {
      const v = byId.get(run.id);
      return v ? [{ ...run, created_at: v.created_at, config: v.config, summary: v.summary }] : [];
    });
  }, [runs, values]);
}

export function PanelGrid({ project, runs, grouped, workspaceKey = "default", values, media = false, selected }: PanelGridProps): JSX.Element {
  const stableRuns = useStableRuns(runs);
  const valueRuns = useValueRuns(stableRuns, values);
  const valueKeys = useMemo(() => numericKeys(valueRuns), [valueRuns]);
  const sortedIds = useMemo(() => stableRuns.map((r) => r.id).sort(), [stableRuns]);
  const scheduler = useMemo(() => new SeriesScheduler((request) => api.series(project, request)), [project]);
  const keysQuery = useQuery({
    queryKey: ["charts-metric-keys", project, sortedIds],
    queryFn: () => api.metricKeys(project, sortedIds),
    enabled: sortedIds.length > 0,
    placeholderData: (previous) => previous,
    staleTime: 10_000,
    refetchInterval: KEYS_REFRESH_MS,
  });
  const allKeys = useMemo(
    () => sortedKeys((keysQuery.data?.keys ?? []).filter(isChartableKey)),
    [keysQuery.data],
  );
  // With media, a histogram's norm (`gradients/<layer>/norm`) is drawn in the histogram's panel,
  // so the line charts leave it out.
  const mediaRuns = useMemo(() => stableRuns.filter((r) => !r.id.includes("/")), [stableRuns]);
  const mediaIds = useMemo(() => sortedIds.filter((id) => !id.includes("/")), [sortedIds]);
  const mediaKeys = useMediaKeys(project, mediaIds, media);
  const metricKeys = useMemo(() => {
    const inMedia = normsOfHistograms(mediaKeys.data?.keys ?? []);
    return inMedia.size ? allKeys.filter((k) => !inMedia.has(k)) : allKeys;
  }, [allKeys, mediaKeys.data]);
  const keySet = useMemo(() => new Set(metricKeys), [metricKeys]);
  const savedView = useSavedViewName();
  const { layout, ready, missing, onChange } = useChartsLayout(project, savedView, workspaceKey, metricKeys);
  // Smoothing, axes and collapsed sections are this viewer's (the browser keeps them), over what the
  // view was saved with; the URL overrides both.
  const [personal, setPersonal] = usePersonalState(project);
  const defaults = useMemo(() => ({ ...layout.settings, ...personal.chart }), [layout.settings, personal.chart]);
  const { view, onViewChange } = useChartView(defaults);
  const setChartSetting = useCallback(
    (patch: SavedSettings) => setPersonal((p) => ({ ...p, chart: { ...p.chart, ...patch } })),
    [setPersonal],
  );
  const theme = useDocumentTheme();

  // The slider redraws at once; the URL and saved settings follow when it rests. As the
  // search's below, the draft is dropped once the URL holds it, not before (else the slider
  // jumped back to the URL's old value until the navigation landed).
  const [smoothDraft, setSmoothDraft] = useState<number | null>(null);
  const smoothing = smoothDraft ?? view.smoothing;
  useEffect(() => {
    if (smoothDraft === null) return;
    if (smoothDraft === view.smoothing) {
      setSmoothDraft(null);
      return;
    }
    const timer = window.setTimeout(() => {
      onViewChange({ smoothing: smoothDraft });
      setChartSetting({ smooth: smoothDraft });
    }, SMOOTHING_COMMIT_MS);
    return () => window.clearTimeout(timer);
  }, [smoothDraft, view.smoothing, onViewChange, setChartSetting]);
  const drawnSmoothing = useDeferredValue(smoothing);
  // The search box shows what is typed at once; the panels and the URL follow. The draft is
  // dropped only once the URL holds it: dropped at the commit, the box showed the URL's old
  // text until the navigation landed, and text typed then (a slow machine) was lost or merged.
  const [searchDraft, setSearchDraft] = useState<string | null>(null);
  const searchText = searchDraft ?? view.search;
  useEffect(() => {
    if (searchDraft === null) return;
    if (searchDraft === view.search) {
      setSearchDraft(null);
      return;
    }
    const timer = window.setTimeout(() => onViewChange({ search: searchDraft }), SEARCH_COMMIT_MS);
    return () => window.clearTimeout(timer);
  }, [searchDraft, view.search, onViewChange]);
  const searched = useDeferredValue(searchText);
  const search = useMemo(() => panelSearch(searched), [searched]);
  const keysKnown = keysQuery.data !== undefined && !keysQuery.isPlaceholderData;
  const { x, unknown: unknownX } = useMemo(
    () => resolveX(view.x, keysKnown ? metricKeys : null),
    [view.x, keysKnown, metricKeys],
  );
  // The panels' view: the search is not part of it, so that typing does not redraw them.
  const chartView: ChartView = useMemo(
    () => ({ smoothing: drawnSmoothing, x, logy: view.logy, zoom: view.zoom, search: "" }),
    [drawnSmoothing, x, view.logy, view.zoom],
  );

  const onZoom = useCallback((zoom: Zoom) => onViewChange({ zoom }), [onViewChange]);
  const onResetZoom = useCallback(() => onViewChange({ zoom: null }), [onViewChange]);
  const onXChange = useCallback(
    (x: XAxis) => {
      onViewChange({ x, zoom: null });
      setChartSetting({ x });
    },
    [onViewChange, setChartSetting],
  );
  const onLogyChange = useCallback(
    (logy: boolean) => {
      onViewChange({ logy });
      setChartSetting({ logy });
    },
    [onViewChange, setChartSetting],
  );
  const collapsedHere = personal.collapsed[workspaceKey];
  const onToggle = useCallback(
    (section: string) =>
      setPersonal((p) => {
        const mine = p.collapsed[workspaceKey] ?? {};
        const now = mine[section] ?? layout.sections.find((s) => s.name === section)?.collapsed ?? false;
        return { ...p, collapsed: { ...p.collapsed, [workspaceKey]: { ...mine, [section]: !now } } };
      }),
    [setPersonal, workspaceKey, layout.sections],
  );
  const onAddPanel = useCallback(
    (section: string | undefined, spec: PanelSpec) =>
      onChange((l) => {
        if ((spec.kind ?? "line") === "line") return addPanel(l, spec.keys, section);
        // A value panel lands in the section of its (last) key: summary.val/acc → "val".
        return addKindPanel(l, spec, section ?? sectionOf(keyLabel(spec.keys[spec.keys.length - 1] ?? "")));
      }),
    [onChange],
  );
  const onSettings = useCallback(
    (section: string, id: string, patch: PanelPatch) => onChange((l) => updatePanelSettings(l, section, id, patch)),
    [onChange],
  );
  const onMove = useCallback(
    (section: string, id: string, targetId: string) => onChange((l) => movePanel(l, section, id, targetId)),
    [onChange],
  );
  const onRemove = useCallback(
    (section: string, id: string) => onChange((l) => removePanel(l, section, id)),
    [onChange],
  );
  const onEditKeys = useCallback(
    (section: string, id: string, keys: string[]) => onChange((l) => setPanelKeys(l, section, id, keys)),
    [onChange],
  );
  const onPin = useCallback((id: string) => onChange((l) => togglePin(l, id)), [onChange]);
  const pinnedIds = useMemo(() => new Set(layout.pinned), [layout.pinned]);
  const onResize = useCallback(
    (section: string, id: string, size: PanelSize) => onChange((l) => resizePanel(l, section, id, size.w, size.h)),
    [onChange],
  );

  // A search shows the matching panels of every section, collapsed ones opened.
  // The media panels (one a key) are searched by their key too.
  const { sections, shownMedia, searchCount } = useMemo(() => {
    const all = layout.sections.map((s) => ({
      ...s,
      collapsed: collapsedHere?.[s.name] ?? s.collapsed,
      shown: shownPanels(s, keySet),
    }));
    const media = mediaKeys.data?.keys ?? [];
    const test = search.test;
    if (test === null)
      return { sections: all.filter((s) => s.shown.length > 0), shownMedia: media, searchCount: null };
    const found = all
      .map((s) => ({ ...s, collapsed: false, shown: s.shown.filter((p) => p.keys.some(test)) }))
      .filter((s) => s.shown.length > 0);
    const foundMedia = media.filter((k) => test(k.key));
    const count = (list: typeof all) => list.reduce((n, s) => n + s.shown.length, 0);
    return {
      sections: found,
      shownMedia: foundMedia,
      searchCount: { shown: count(found) + foundMedia.length, total: count(all) + media.length },
    };
  }, [layout, keySet, collapsedHere, search, mediaKeys.data]);
  const pinned = useMemo(() => pinnedPanels(layout.pinned, sections), [layout.pinned, sections]);
  const pinnedCollapsed = collapsedHere?.[PINNED_SECTION] === true && searchCount === null;
  const syncKey = `cairn-charts:${project}:${workspaceKey}:${x}`;
  // Live updates watch the first key of the first two sections' first panels.
  const probeKeys = useMemo(
    () => [
      ...new Set(
        sections.slice(0, 2).flatMap((s) => s.shown.find((p) => (p.kind ?? "line") === "line")?.keys.slice(0, 1) ?? []),
      ),
    ],
    [sections],
  );
  useLiveProbe(project, sortedIds, probeKeys, scheduler);
  const firstOrders = useMemo(() => {
    let next = pinnedCollapsed ? 0 : pinned.length;
    return sections.map((s) => {
      const first = next;
      next += s.collapsed ? 0 : s.shown.length;
      return first;
    });
  }, [sections, pinned.length, pinnedCollapsed]);
  const sectionProps = {
    project,
    scheduler,
    pinned: pinnedIds,
    runs: stableRuns,
    valueRuns,
    valueKeys,
    runIds: sortedIds,
    grouped,
    view: chartView,
    metricKeys,
    syncKey,
    theme,
    onToggle,
    onAddPanel,
    onZoom,
    onResetZoom,
    onRemove,
    onEditKeys,
    onSettings,
    onResize,
    onMove,
    onPin,
  };

  let body: JSX.Element;
  if (runs.length === 0) body = <p className="cc-note">No runs to chart: select runs in the table.</p>;
  else if (keysQuery.isError)
    body = (
      <p className="cc-note cc-error">
        Could not load metrics: {keysQuery.error instanceof Error ? keysQuery.error.message : "request failed"}
      </p>
    );
  else if (missing)
    body = (
      <p className="cc-note cc-error" data-testid="view-missing">
        This project has no saved view named “{savedView}”. Pick one in the Views menu.
      </p>
    );
  else if (keysQuery.data === undefined || !ready || (media && mediaKeys.isLoading))
    body = <p className="cc-note">Loading charts…</p>;
  else if (searchCount !== null && searchCount.shown === 0)
    body = (
      <p className="cc-note" data-testid="panel-search-empty">
        No panel has a metric matching “{searched.trim()}”.{" "}
        <button type="button" className="link-button" data-testid="panel-search-clear" onClick={() => setSearchDraft("")}>
          Show every panel
        </button>
      </p>
    );
  else if (sections.length === 0 && searchCount !== null)
    body = <></>; // the search's matches are media panels only, drawn below
  else if (sections.length === 0)
    body = <p className="cc-note">These runs have not logged any metrics yet. Charts appear as soon as they do.</p>;
  else
    body = (
      <>
        {pinned.length > 0 && (
          <Section
            {...sectionProps}
            firstOrder={0}
            name="Pinned"
            collapsed={pinnedCollapsed}
            panels={pinned.map((p) => p.panel)}
            homes={pinned.map((p) => p.section)}
            onToggle={() => onToggle(PINNED_SECTION)}
          />
        )}
        {sections.map((s, i) => (
          <Section
            key={s.name}
            {...sectionProps}
            firstOrder={firstOrders[i] ?? 0}
            name={s.name}
            collapsed={s.collapsed}
            panels={s.shown}
          />
        ))}
      </>
    );

  return (
    <div className="cc-root" data-testid="panel-grid" data-run-count={runs.length} data-grouped={grouped}>
      <ChartToolbar
        search={searchText}
        searchError={search.error}
        onSearchChange={setSearchDraft}
        smoothing={smoothing}
        x={x}
        unknownX={unknownX}
        logy={view.logy}
        zoom={view.zoom}
        metricKeys={metricKeys}
        valueKeys={valueKeys}
        valueRuns={valueRuns}
        onSmoothingChange={setSmoothDraft}
        onXChange={onXChange}
        onLogyChange={onLogyChange}
        onResetZoom={onResetZoom}
        onAddPanel={(spec) => onAddPanel(undefined, spec)}
      />
      {searchCount !== null && searchCount.shown > 0 && (
        <p className="cc-search-note" data-testid="panel-search-count">
          {searchCount.shown.toLocaleString()} of {searchCount.total.toLocaleString()} panels match
        </p>
      )}
      {body}
      {media && mediaKeys.data && shownMedia.length > 0 && (
        <WorkspaceMedia project={project} runs={mediaRuns} keys={shownMedia} metricKeys={allKeys} selected={selected} />
      )}
    </div>
  );
}
