// /p/:project — the runs table on the left, the charts of the visible runs on the right.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useMemo, useRef, useState } from "react";
import { useNavigate, useParams } from "react-router-dom";
import { api, ApiRequestError } from "../../api/client";
import type { RunRow } from "../../api/types";
import { NotFound } from "../../app/NotFound";
import { useRunColorOverrides } from "../../lib/useRunColorOverrides";
import { useSavedViewName } from "../views/savedView";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { bothFilters } from "../analysis/lib/brushFilter";
import { useBrushFilter } from "../analysis/state/useBrushFilter";
import { BrushChip } from "./components/BrushChip";
import { ColumnPicker } from "./components/ColumnPicker";
import { BadFilter, NoRunsMatch, NoRunsYet } from "./components/EmptyRuns";
import { FilterBar } from "./components/FilterBar";
import { GroupBySelect } from "./components/GroupBySelect";
import { RunCount } from "./components/RunCount";
import { RunsTable } from "./components/RunsTable";
import { SelectionBar } from "./components/SelectionBar";
import { SplitPane } from "./components/SplitPane";
import { ViewTabs } from "./components/ViewTabs";
import { defaultColumns } from "./state/columnIds";
import { moveColumn, shiftColumn } from "./state/columnOrder";
import { isNumericColumn } from "./state/grouping";
import { decodeBinChoice } from "./state/binning";
import { groupBins, WorkspaceGroupingContext } from "../reports/lib/panelGroups";
import { nextSort, orderExpression } from "./state/order";
import { columnsQuery, useProjectRunTotal, useRunPages } from "./state/queries";
import { toggleSelection } from "./state/selection";
import { useRunsView } from "./state/useRunsView";
import { useWorkspaceState } from "./state/useWorkspaceState";
import { isVisible, setVisible } from "./state/visibility";

const NO_RUNS: RunRow[] = [];

export function WorkspacePage() {
  const { project = "" } = useParams();
  const navigate = useNavigate();
  const client = useQueryClient();
  const [state, update] = useWorkspaceState();
  const [confirmDelete, setConfirmDelete] = useState(false);
  const anchor = useRef<string | null>(null);
  const onChooseColor = useRunColorOverrides(project, useSavedViewName());

  const columnsInfo = useQuery(columnsQuery(project));
  // A brush on the Analysis tab narrows the table (and the charts that follow it); the analysis
  // itself keeps drawing every run of the filter, so the brush can be moved. Same key, one request.
  const [brushed, clearBrush] = useBrushFilter();
  const request = { search: state.q, order: orderExpression(state.sort) };
  const pages = useRunPages(project, { ...request, filter: bothFilters(state.filter, brushed) });
  const unbrushed = useRunPages(project, { ...request, filter: state.filter });
  const filtered = Boolean(state.filter || state.q || brushed);
  const projectTotal = useProjectRunTotal(project, filtered);

  // Keep showing the last good rows while a bad filter is on screen.
  const lastGood = useRef<RunRow[]>(NO_RUNS);
  const loaded = useMemo(() => {
    if (!pages.data) return undefined;
    const seen = new Set<string>();
    return pages.data.pages.flatMap((page) => page.runs).filter((run) => !seen.has(run.id) && !!seen.add(run.id));
  }, [pages.data]);
  if (loaded) lastGood.current = loaded;
  const runs = loaded ?? lastGood.current;
  const matching = pages.data?.pages[0]?.total;
  const view = useRunsView(runs, state);
  const grouping = useMemo(
    () =>
      state.group
        ? { column: state.group, bins: isNumericColumn(runs, state.group) ? groupBins(decodeBinChoice(state.bin)) : null }
        : null,
    [runs, state.group, state.bin],
  );

  const available = columnsInfo.data ?? { config: [], summary: [], defaults: [] };
  // Chosen over the whole project, not the loaded rows: a filter does not move the columns.
  const columns = useMemo(() => state.cols ?? defaultColumns(available.defaults), [state.cols, available.defaults]);
  const live = runs.some((run) => run.state === "running");
  // Always from the unbrushed pages (the same request as the table's when nothing is brushed), so
  // brushing does not hand the chart new runs and redraw it under the mouse.
  const hideKey = state.hide.join(",");
  const showKey = state.show.join(",");
  const analysisRuns = useMemo(() => {
    const seen = new Set<string>();
    const all = (unbrushed.data?.pages ?? []).flatMap((page) => page.runs).filter((run) => !seen.has(run.id) && !!seen.add(run.id));
    const v = { hide: hideKey ? hideKey.split(",") : [], show: showKey ? showKey.split(",") : [] };
    return all.filter((run, i) => isVisible(run.id, i, v));
  }, [unbrushed.data, hideKey, showKey]);

  const error = pages.error;
  const filterError =
    error instanceof ApiRequestError && error.status === 400 ? { message: error.message, position: error.position } : null;

  const indexOf = useMemo(() => {
    const index = new Map(runs.map((run, i) => [run.id, i]));
    return (id: string) => index.get(id) ?? Number.MAX_SAFE_INTEGER;
  }, [runs]);

  const onSort = useCallback(
    (column: string, desc?: boolean | null) =>
      update((s) => ({
        sort: desc === undefined ? nextSort(s.sort, column) : desc === null ? null : { column, desc },
      })),
    [update],
  );
  const onPin = useCallback(
    (column: string, pinned: boolean) =>
      update((s) => ({ pin: pinned ? [...s.pin.filter((c) => c !== column), column] : s.pin.filter((c) => c !== column) })),
    [update],
  );
  const onRemoveColumn = useCallback(
    (column: string) => update({ cols: columns.filter((c) => c !== column) }),
    [update, columns],
  );
  const onMoveColumn = useCallback(
    (column: string, target: string, side: "before" | "after") =>
      update((s) => ({ cols: moveColumn(columns, s.pin, column, target, side) })),
    [update, columns],
  );
  const onShiftColumn = useCallback(
    (column: string, by: -1 | 1) => update((s) => ({ cols: shiftColumn(columns, s.pin, column, by) })),
    [update, columns],
  );
  const onToggleVisible = useCallback(
    (ids: string[], visible: boolean) => update((s) => setVisible(s, ids, visible, indexOf)),
    [update, indexOf],
  );
  const onToggleSelect = useCallback(
    (id: string, range: boolean) => {
      update((s) => ({ select: toggleSelection(s.select, view.order, id, range ? anchor.current : null) }));
      anchor.current = id;
    },
    [update, view.order],
  );
  const onSelectAll = useCallback(
    (selected: boolean) => update({ select: selected ? runs.map((run) => run.id) : [] }),
    [update, runs],
  );
  const onToggleGroup = useCallback(
    (value: string) =>
      update((s) => ({ fold: s.fold.includes(value) ? s.fold.filter((v) => v !== value) : [...s.fold, value] })),
    [update],
  );
  const onLoadMore = useCallback(() => void pages.fetchNextPage(), [pages]);

  const remove = useMutation({
    mutationFn: (ids: string[]) => api.deleteRuns(project, ids),
    onSuccess: async (_result, ids) => {
      const gone = new Set(ids);
      update((s) => ({
        select: [],
        hide: s.hide.filter((id) => !gone.has(id)),
        show: s.show.filter((id) => !gone.has(id)),
      }));
      setConfirmDelete(false);
      await Promise.all([
        client.invalidateQueries({ queryKey: ["runs", project] }),
        client.invalidateQueries({ queryKey: ["columns", project] }),
        client.invalidateQueries({ queryKey: ["projects"] }),
      ]);
    },
  });

  const selectedIds = state.select;
  let body;
  if (pages.isPending && !runs.length) body = <div className="pane-message muted">Loading runs…</div>;
  else if (error && !filterError) body = <div className="pane-message error-text">{error.message}</div>;
  else if (filterError && !runs.length) body = <BadFilter onClear={() => update({ filter: "" })} />;
  else if (matching === 0 && !filtered) body = <NoRunsYet project={project} />;
  else if (matching === 0 && filtered)
    body = (
      <NoRunsMatch
        onClear={() => {
          update({ filter: "", q: "" });
          clearBrush();
        }}
      />
    );
  else
    body = (
      <RunsTable
        project={project}
        viewKey={[state.filter, brushed, state.q, orderExpression(state.sort), state.group].join("\u0000")}
        runs={runs}
        rows={view.rows}
        columns={columns}
        pinned={state.pin}
        sort={state.sort}
        groupBy={state.group}
        visible={view.visible}
        selected={view.selected}
        hasMore={pages.hasNextPage}
        loadingMore={pages.isFetchingNextPage}
        onLoadMore={onLoadMore}
        onSort={onSort}
        onPin={onPin}
        onRemoveColumn={onRemoveColumn}
        onMoveColumn={onMoveColumn}
        onShiftColumn={onShiftColumn}
        onToggleVisible={onToggleVisible}
        onToggleSelect={onToggleSelect}
        onSelectAll={onSelectAll}
        onToggleGroup={onToggleGroup}
        onChooseColor={onChooseColor}
      />
    );

  const left = (
    <section className="runs-pane" data-testid="runs-pane">
      <FilterBar
        filter={state.filter}
        search={state.q}
        error={filterError}
        onApplyFilter={(filter) => update({ filter })}
        onSearch={(q) => update({ q })}
      />
      {brushed && <BrushChip filter={brushed} onClear={clearBrush} />}
      <div className="toolbar">
        <RunCount
          matching={filterError ? undefined : matching}
          total={projectTotal.data}
          filtered={filtered}
          live={live}
          filterError={filterError !== null}
        />
        <span className="spacer" />
        <GroupBySelect
          configKeys={available.config}
          value={state.group}
          numeric={state.group !== null && isNumericColumn(runs, state.group)}
          bin={state.bin}
          onChange={(group) => update({ group, bin: null, fold: [] })}
          onBinChange={(bin) => update({ bin, fold: [] })}
        />
        <ColumnPicker
          available={available}
          columns={columns}
          onChange={(cols) => update({ cols })}
          onReset={() => update({ cols: null })}
        />
      </div>
      {selectedIds.length > 0 && (
        <SelectionBar
          count={selectedIds.length}
          onCompare={() =>
            navigate(`/p/${encodeURIComponent(project)}/compare?runs=${selectedIds.map(encodeURIComponent).join(",")}`)
          }
          onDelete={() => setConfirmDelete(true)}
          onClear={() => update({ select: [] })}
        />
      )}
      <div className="runs-body">{body}</div>
      {confirmDelete && (
        <ConfirmDialog
          title={`Delete ${selectedIds.length === 1 ? "1 run" : `${selectedIds.length} runs`}?`}
          message="Their config, metrics and files are removed from the store. This cannot be undone."
          confirmLabel={remove.isPending ? "Deleting…" : "Delete"}
          danger
          busy={remove.isPending}
          onConfirm={() => remove.mutate(selectedIds)}
          onCancel={() => setConfirmDelete(false)}
        />
      )}
    </section>
  );

  // An unknown project is a page that is not there, as an unknown run is (not an empty workspace).
  const missing = [pages.error, columnsInfo.error].find((e) => e instanceof ApiRequestError && e.status === 404);
  if (missing) return <NotFound title="Project not found" message={missing.message} testId="project-missing" />;

  return (
    <div className="workspace" data-testid="workspace">
      <SplitPane
        left={left}
        right={
          <WorkspaceGroupingContext.Provider value={grouping}>
            <ViewTabs
              project={project}
              view={state.view}
              chartRuns={view.chartRuns}
              rows={analysisRuns}
              grouped={state.group !== null}
              selected={state.select}
              blocked={filterError && !runs.length ? "Nothing to chart: the filter has an error (see the filter box)." : null}
              onViewChange={(next) => update({ view: next })}
            />
          </WorkspaceGroupingContext.Provider>
        }
      />
    </div>
  );
}
