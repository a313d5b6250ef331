import type { Header } from "@tanstack/react-table";
import { useEffect, useRef, type DragEvent } from "react";
import type { RunRow } from "../../../api/types";
import { isSortable, type SortState } from "../state/order";
import { cellClass, cellStyle } from "./cells";
import { ColumnMenu } from "./ColumnMenu";
import type { DataColumn } from "./dataColumns";
import { EyeIcon, PinIcon } from "./icons";

interface HeaderCellProps {
  header: Header<RunRow, unknown>;
  data: DataColumn | undefined;
  sort: SortState | null;
  pinned: boolean;
  selectState: "none" | "some" | "all";
  anyVisible: boolean;
  onSort: (column: string, desc?: boolean | null) => void;
  onPin: (column: string, pinned: boolean) => void;
  onRemoveColumn: (column: string) => void;
  canShift: (by: -1 | 1) => boolean;
  onShift: (by: -1 | 1) => void;
  drag: HeaderDrag;
  onSelectAll: (selected: boolean) => void;
  onToggleAllVisible: () => void;
}

/** Dragging a header onto another moves its column there (the table holds which one is dragged). */
export interface HeaderDrag {
  /** a column is being dragged and may be dropped on this one (same side of the pinned line) */
  accepts: boolean;
  /** where the dragged column would land, drawn as a bar on that edge */
  dropSide: "before" | "after" | null;
  onStart: (column: string) => void;
  onOver: (side: "before" | "after") => void;
  onEnd: () => void;
  onDrop: (side: "before" | "after") => void;
}

const DRAG_TYPE = "application/x-cairn-column";

function sideOf(e: DragEvent<HTMLElement>): "before" | "after" {
  const rect = e.currentTarget.getBoundingClientRect();
  return e.clientX < rect.left + rect.width / 2 ? "before" : "after";
}

function SelectAll({ state, onSelectAll }: { state: HeaderCellProps["selectState"]; onSelectAll: (s: boolean) => void }) {
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (ref.current) ref.current.indeterminate = state === "some";
  }, [state]);
  return (
    <input
      ref={ref}
      type="checkbox"
      checked={state === "all"}
      readOnly
      aria-label="Select all runs"
      data-testid="select-all"
      onClick={() => onSelectAll(state !== "all")}
    />
  );
}

export function HeaderCell(props: HeaderCellProps) {
  const { header, data, sort } = props;
  const column = header.column;
  const id = column.id;
  const style = cellStyle(column);

  if (id === "select") {
    return (
      <div className={cellClass(column, "rt-th rt-center")} style={style} role="columnheader">
        <SelectAll state={props.selectState} onSelectAll={props.onSelectAll} />
      </div>
    );
  }
  if (id === "eye") {
    return (
      <div className={cellClass(column, "rt-th rt-center")} style={style} role="columnheader">
        <button
          type="button"
          className={`eye-toggle${props.anyVisible ? " on" : ""}`}
          title={props.anyVisible ? "Hide all runs from charts" : "Show runs in charts"}
          data-testid="eye-toggle-all"
          onClick={props.onToggleAllVisible}
        >
          <EyeIcon open={props.anyVisible} />
        </button>
      </div>
    );
  }
  if (id === "color") return <div className={cellClass(column, "rt-th")} style={style} role="columnheader" />;

  const sortable = isSortable(id);
  const sorted = sort?.column === id ? (sort.desc ? "desc" : "asc") : null;
  const section = id === "name" ? "run" : (data?.section ?? "run");
  const label = id === "name" ? "Name" : (data?.label ?? id);
  const movable = id !== "name";
  const { drag } = props;
  const dropClass = drag.accepts && drag.dropSide ? ` drop-${drag.dropSide}` : "";

  return (
    <div
      className={cellClass(column, `rt-th${sortable ? " sortable" : ""}${sorted ? " sorted" : ""}${dropClass}`)}
      style={style}
      role="columnheader"
      aria-sort={sorted === "asc" ? "ascending" : sorted === "desc" ? "descending" : "none"}
      data-testid="column-header"
      data-column={id}
      title={sortable ? `${id} — click to sort, drag to move` : movable ? `${id} — drag to move` : id}
      draggable={movable}
      onDragStart={
        movable
          ? (e) => {
              // A drag from the resize handle or the menu is not a column move.
              if ((e.target as HTMLElement).closest(".resizer, .header-menu-button")) {
                e.preventDefault();
                return;
              }
              e.dataTransfer.effectAllowed = "move";
              e.dataTransfer.setData(DRAG_TYPE, id);
              drag.onStart(id);
            }
          : undefined
      }
      onDragOver={(e) => {
        if (!drag.accepts || !e.dataTransfer.types.includes(DRAG_TYPE)) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = "move";
        drag.onOver(sideOf(e));
      }}
      onDrop={(e) => {
        if (!drag.accepts) return;
        e.preventDefault();
        drag.onDrop(sideOf(e));
      }}
      onDragEnd={drag.onEnd}
      onClick={
        sortable
          ? (e) => e.currentTarget.contains(e.target as Node) && props.onSort(id) // not from the menu's portal
          : undefined
      }
    >
      <div className="th-text">
        {section !== "run" && <span className={`th-section th-${section}`}>{section}</span>}
        <span className="th-label">
          {props.pinned && id !== "name" && <PinIcon />}
          {label}
        </span>
      </div>
      {sorted && (
        <span className="sort-indicator" data-testid="sort-indicator" data-dir={sorted}>
          {sorted === "asc" ? "▲" : "▼"}
        </span>
      )}
      {id !== "name" && (
        <ColumnMenu
          columnId={id}
          sortable={sortable}
          pinned={props.pinned}
          removable
          onSort={(desc) => props.onSort(id, desc)}
          onPin={(pinned) => props.onPin(id, pinned)}
          onRemove={() => props.onRemoveColumn(id)}
          canShift={props.canShift}
          onShift={props.onShift}
        />
      )}
      {column.getCanResize() && (
        <div
          className={`resizer${column.getIsResizing() ? " resizing" : ""}`}
          onMouseDown={header.getResizeHandler()}
          onTouchStart={header.getResizeHandler()}
          onClick={(e) => e.stopPropagation()}
          onDoubleClick={() => column.resetSize()}
          data-testid="column-resizer"
        />
      )}
    </div>
  );
}
