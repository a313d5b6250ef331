import type { Header } from "@tanstack/react-table";
import { useEffect, useRef } from "react";
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
  onSelectAll: (selected: boolean) => void;
  onToggleAllVisible: () => void;
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

  return (
    <div
      className={cellClass(column, `rt-th${sortable ? " sortable" : ""}${sorted ? " sorted" : ""}`)}
      style={style}
      role="columnheader"
      aria-sort={sorted === "asc" ? "ascending" : sorted === "desc" ? "descending" : "none"}
      data-testid="column-header"
      data-column={id}
      title={sortable ? `${id} — click to sort` : id}
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
