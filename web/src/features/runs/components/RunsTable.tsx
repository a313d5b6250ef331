// The runs table: TanStack Table for columns (sizes, pinning, resizing), TanStack Virtual for rows.
import {
  getCoreRowModel,
  useReactTable,
  type ColumnDef,
  type Header,
} from "@tanstack/react-table";
import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useMemo, useRef, useState, type CSSProperties, type UIEvent } from "react";
import type { RunRow } from "../../../api/types";
import { useNow } from "../../../lib/useNow";
import { canShift, displayOrder } from "../state/columnOrder";
import type { DisplayRow } from "../state/grouping";
import type { SortState } from "../state/order";
import { dataColumn, type DataColumn } from "./dataColumns";
import { GroupRow } from "./GroupRow";
import { HeaderCell } from "./HeaderCell";
import { RunRowView } from "./RunRowView";
import { useColumnSizing } from "./useColumnSizing";

export const FIXED_COLUMNS = ["select", "eye", "color", "name"];
export const ROW_HEIGHT = 28;
const LOAD_AHEAD = 100; // fetch the next page when this close to the last loaded row

export interface RunsTableProps {
  project: string;
  /** changes when the view (filter, search, sort, grouping) does: the table scrolls back to the top */
  viewKey: string;
  runs: RunRow[];
  rows: DisplayRow[];
  columns: string[];
  pinned: string[];
  sort: SortState | null;
  groupBy: string | null;
  visible: ReadonlySet<string>;
  selected: ReadonlySet<string>;
  hasMore: boolean;
  loadingMore: boolean;
  onLoadMore: () => void;
  onSort: (column: string, desc?: boolean | null) => void;
  onPin: (column: string, pinned: boolean) => void;
  onRemoveColumn: (column: string) => void;
  /** move `column` before or after `target` (a header dragged and dropped) */
  onMoveColumn: (column: string, target: string, side: "before" | "after") => void;
  /** move `column` one place left (-1) or right (+1) (the column menu) */
  onShiftColumn: (column: string, by: -1 | 1) => void;
  onToggleVisible: (ids: string[], visible: boolean) => void;
  onToggleSelect: (id: string, range: boolean) => void;
  onSelectAll: (selected: boolean) => void;
  onToggleGroup: (value: string) => void;
  /** a run's colour chosen in its swatch's palette (null: back to the default) */
  onChooseColor: (id: string, color: string | null) => void;
}

export function RunsTable(props: RunsTableProps) {
  const { project, runs, rows, columns, pinned, hasMore, loadingMore, onLoadMore } = props;
  const now = useNow();
  const scrollRef = useRef<HTMLDivElement>(null);
  const [sizing, onSizingChange] = useColumnSizing(project);
  const [dragging, setDragging] = useState<string | null>(null);
  const [dropAt, setDropAt] = useState<{ id: string; side: "before" | "after" } | null>(null);

  const columnsKey = columns.join("\u0000");
  const pinnedKey = pinned.join("\u0000");
  const dataColumns = useMemo(() => {
    const map = new Map<string, DataColumn>();
    // Pinned columns first, in their saved order: the map's order is the drawing order.
    for (const id of displayOrder(columnsKey ? columnsKey.split("\u0000") : [], pinnedKey ? pinnedKey.split("\u0000") : [])) {
      const column = dataColumn(id);
      if (column) map.set(id, column);
    }
    return map;
  }, [columnsKey, pinnedKey]);

  const columnDefs = useMemo<ColumnDef<RunRow>[]>(
    () => [
      { id: "select", size: 30, enableResizing: false },
      { id: "eye", size: 28, enableResizing: false },
      { id: "color", size: 14, enableResizing: false },
      { id: "name", size: 160, minSize: 80 },
      ...[...dataColumns.values()].map((c) => ({ id: c.id, size: c.size, minSize: 44 })),
    ],
    [dataColumns],
  );

  const table = useReactTable({
    data: runs,
    columns: columnDefs,
    getCoreRowModel: getCoreRowModel(),
    getRowId: (run) => run.id,
    manualSorting: true,
    enableColumnResizing: true,
    columnResizeMode: "onChange",
    state: {
      columnSizing: sizing,
      columnOrder: [...FIXED_COLUMNS, ...dataColumns.keys()],
      columnPinning: { left: [...FIXED_COLUMNS, ...[...dataColumns.keys()].filter((id) => pinned.includes(id))], right: [] },
    },
    onColumnSizingChange: onSizingChange,
  });

  const leafColumns = [...table.getLeftLeafColumns(), ...table.getCenterLeafColumns()];
  const headers: Header<RunRow, unknown>[] = [
    ...(table.getLeftHeaderGroups()[0]?.headers ?? []),
    ...(table.getCenterHeaderGroups()[0]?.headers ?? []),
  ];
  const totalWidth = table.getTotalSize();

  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items[items.length - 1]?.index ?? 0;

  useEffect(() => {
    scrollRef.current?.scrollTo({ top: 0 });
  }, [props.viewKey]);

  // Pinned cells stick only while the table is scrolled sideways: every sticky cell is a layer of
  // its own for the compositor, which re-layers the whole page on every frame the charts draw.
  const markScrolledX = (event: UIEvent<HTMLDivElement>) => {
    const element = event.currentTarget;
    element.toggleAttribute("data-scrolled-x", element.scrollLeft > 0);
  };

  useEffect(() => {
    if (hasMore && !loadingMore && lastIndex >= rows.length - LOAD_AHEAD) onLoadMore();
  }, [hasMore, loadingMore, lastIndex, rows.length, onLoadMore]);

  const selectedCount = runs.filter((r) => props.selected.has(r.id)).length;
  const anyVisible = runs.some((r) => props.visible.has(r.id));

  return (
    <div className="rt-scroll" ref={scrollRef} onScroll={markScrolledX} data-testid="runs-table" role="grid" aria-rowcount={rows.length}>
      <div className="rt-inner" style={{ width: totalWidth }}>
        <div className="rt-header" role="row" style={{ width: totalWidth }}>
          {headers.map((header) => (
            <HeaderCell
              key={header.id}
              header={header}
              data={dataColumns.get(header.column.id)}
              sort={props.sort}
              pinned={pinned.includes(header.column.id)}
              selectState={selectedCount === 0 ? "none" : selectedCount === runs.length ? "all" : "some"}
              anyVisible={anyVisible}
              onSort={props.onSort}
              onPin={props.onPin}
              onRemoveColumn={props.onRemoveColumn}
              canShift={(by) => canShift(columns, pinned, header.column.id, by)}
              onShift={(by) => props.onShiftColumn(header.column.id, by)}
              drag={{
                accepts: dragging !== null && pinned.includes(dragging) === pinned.includes(header.column.id),
                dropSide: dropAt?.id === header.column.id ? dropAt.side : null,
                onStart: setDragging,
                onOver: (side) =>
                  setDropAt((at) => (at?.id === header.column.id && at.side === side ? at : { id: header.column.id, side })),
                onEnd: () => {
                  setDragging(null);
                  setDropAt(null);
                },
                onDrop: (side) => {
                  if (dragging) props.onMoveColumn(dragging, header.column.id, side);
                  setDragging(null);
                  setDropAt(null);
                },
              }}
              onSelectAll={props.onSelectAll}
              onToggleAllVisible={() => props.onToggleVisible(runs.map((r) => r.id), !anyVisible)}
            />
          ))}
        </div>
        <div className="rt-body" style={{ height: virtualizer.getTotalSize() }}>
          {items.map((item) => {
            const row = rows[item.index];
            if (!row) return null;
            const style: CSSProperties = { transform: `translateY(${item.start}px)`, width: totalWidth };
            if (row.kind === "group") {
              return (
                <GroupRow
                  key={`g:${row.group.value}`}
                  style={style}
                  groupBy={props.groupBy ?? ""}
                  row={row}
                  columns={leafColumns}
                  visible={props.visible}
                  onToggleGroup={props.onToggleGroup}
                  onToggleVisible={props.onToggleVisible}
                />
              );
            }
            return (
              <RunRowView
                key={row.run.id}
                style={style}
                project={project}
                run={row.run}
                columns={leafColumns}
                dataColumns={dataColumns}
                visible={props.visible.has(row.run.id)}
                selected={props.selected.has(row.run.id)}
                grouped={props.groupBy !== null}
                now={now}
                onToggleVisible={props.onToggleVisible}
                onToggleSelect={props.onToggleSelect}
                onChooseColor={props.onChooseColor}
              />
            );
          })}
        </div>
        {loadingMore && <div className="rt-loading">Loading more runs…</div>}
      </div>
    </div>
  );
}
