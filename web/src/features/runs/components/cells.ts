// Width, sticky offset and classes of a table cell, shared by header and rows.
import type { Column } from "@tanstack/react-table";
import type { CSSProperties } from "react";
import type { RunRow } from "../../../api/types";

export function cellStyle(column: Column<RunRow>): CSSProperties {
  const pinned = column.getIsPinned() === "left";
  return { width: column.getSize(), left: pinned ? column.getStart("left") : undefined };
}

export function cellClass(column: Column<RunRow>, extra = ""): string {
  const pinned = column.getIsPinned() === "left";
  const last = pinned && column.getIsLastColumn("left");
  return `rt-cell${pinned ? " pinned" : ""}${last ? " pinned-last" : ""}${extra ? ` ${extra}` : ""}`;
}
