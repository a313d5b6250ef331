// Width, sticky offset and classes of a table cell, shared by header and rows.
import type { Column } from "@tanstack/react-table";
import type { CSSProperties } from "react";
import type { RunRow } from "../../../api/types";

/** A pinned cell's sticky offset goes in `--pin-left`: it sticks only while the table is scrolled sideways (styles.css). */
export function cellStyle(column: Column<RunRow>): CSSProperties {
  const pinned = column.getIsPinned() === "left";
  return pinned ? ({ width: column.getSize(), "--pin-left": `${column.getStart("left")}px` } as CSSProperties) : { width: column.getSize() };
}

export function cellClass(column: Column<RunRow>, extra = ""): string {
  const pinned = column.getIsPinned() === "left";
  const last = pinned && column.getIsLastColumn("left");
  return `rt-cell${pinned ? " pinned" : ""}${last ? " pinned-last" : ""}${extra ? ` ${extra}` : ""}`;
}
