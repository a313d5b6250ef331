import type { Column } from "@tanstack/react-table";
import { useSyncExternalStore, type CSSProperties } from "react";
import type { RunRow } from "../../../api/types";
import { getHoveredRun, setHoveredRun, subscribeHoveredRun } from "../../charts/state/hoveredRun";
import { aggregate } from "../state/aggregate";
import { parseColumnId } from "../state/columnIds";
import type { DisplayRow } from "../state/grouping";
import { cellClass, cellStyle } from "./cells";
import { CaretIcon, EyeIcon } from "./icons";

interface GroupRowProps {
  style: CSSProperties;
  groupBy: string;
  row: Extract<DisplayRow, { kind: "group" }>;
  columns: Column<RunRow>[];
  visible: ReadonlySet<string>;
  onToggleGroup: (value: string) => void;
  onToggleVisible: (ids: string[], visible: boolean) => void;
}

function groupLabel(groupBy: string): string {
  const ref = parseColumnId(groupBy);
  if (ref?.kind === "config" || ref?.kind === "summary") return ref.key;
  return groupBy;
}

/** A group header: collapse caret, the value, its run count, an eye for all its runs, and per
 * column the value the group shares or the mean of its numbers. */
export function GroupRow({ style, groupBy, row, columns, visible, onToggleGroup, onToggleVisible }: GroupRowProps) {
  const runs = row.group.runs;
  const ids = runs.map((r) => r.id);
  const shown = ids.filter((id) => visible.has(id)).length;
  const open = !row.collapsed;
  const color = columns.find((c) => c.id === "color");
  const name = columns.find((c) => c.id === "name");
  const labelWidth = (color?.getSize() ?? 0) + (name?.getSize() ?? 0);
  // Hover is shared with the charts as for run rows: the group's line stands for its runs, so
  // hovering the row marks its first run (whose line is the group's), and a hovered group line
  // marks this row.
  const hovered = useSyncExternalStore(subscribeHoveredRun, () => {
    const id = getHoveredRun();
    return id !== null && runs.some((r) => r.id === id);
  });

  return (
    <div
      className={`rt-row rt-group-row${hovered ? " hovered" : ""}`}
      style={style}
      data-hovered={hovered || undefined}
      onMouseEnter={() => setHoveredRun(ids[0] ?? null)}
      onMouseLeave={() => setHoveredRun(null)}
      role="row"
      data-testid="group-row"
      data-group={row.group.value}
      data-collapsed={row.collapsed}
    >
      {columns.map((column) => {
        switch (column.id) {
          case "select":
            return <div key={column.id} className={cellClass(column)} style={cellStyle(column)} />;
          case "eye":
            return (
              <div key={column.id} className={cellClass(column, "rt-center")} style={cellStyle(column)}>
                <button
                  type="button"
                  className={`eye-toggle${shown ? " on" : ""}${shown && shown < ids.length ? " partial" : ""}`}
                  aria-label={shown ? "Hide this group from charts" : "Show this group in charts"}
                  data-testid="group-eye-toggle"
                  data-visible={shown > 0}
                  onClick={() => onToggleVisible(ids, shown === 0)}
                >
                  <EyeIcon open={shown > 0} />
                </button>
              </div>
            );
          case "color":
            return (
              <button
                key={column.id}
                type="button"
                className={cellClass(column, name?.getIsLastColumn("left") ? "group-label pinned-last" : "group-label")}
                style={{ ...cellStyle(column), width: labelWidth }}
                onClick={() => onToggleGroup(row.group.value)}
                aria-expanded={open}
                title={`${groupLabel(groupBy)}: ${row.group.value} (${ids.length} runs)`}
                data-testid="group-toggle"
              >
                <CaretIcon open={open} />
                <span className="swatch" style={{ background: row.group.color }} data-testid="group-swatch" />
                <span className="group-key">{groupLabel(groupBy)}</span>
                <span className="group-value">{row.group.value}</span>
                <span className="count-badge" data-testid="group-count">
                  {ids.length}
                </span>
              </button>
            );
          case "name":
            return null;
          default: {
            const agg = aggregate(runs, column.id);
            return (
              <div
                key={column.id}
                className={cellClass(column, `group-agg agg-${agg.kind}`)}
                style={cellStyle(column)}
                title={agg.title || undefined}
                data-column={column.id}
              >
                {agg.kind === "mean" && <span className="agg-mark">avg</span>}
                <span className={agg.kind === "same" || agg.kind === "mean" ? "cell-num" : ""}>{agg.text}</span>
              </div>
            );
          }
        }
      })}
    </div>
  );
}
