import type { Column } from "@tanstack/react-table";
import { memo, type CSSProperties } from "react";
import { Link } from "react-router-dom";
import type { RunRow } from "../../../api/types";
import { getRunColorOverrides, useRunColor } from "../../../lib/colors";
import { setHoveredRun, useIsHoveredRun } from "../../charts/state/hoveredRun";
import type { DataColumn } from "./dataColumns";
import { EyeIcon } from "./icons";
import { RunColorPicker } from "./RunColorPicker";
import { cellClass, cellStyle } from "./cells";

interface RunRowViewProps {
  style: CSSProperties;
  project: string;
  run: RunRow;
  columns: Column<RunRow>[];
  dataColumns: Map<string, DataColumn>;
  visible: boolean;
  selected: boolean;
  /** the table is grouped: a line stands for a group, so the group's row shows the shared hover */
  grouped: boolean;
  now: number;
  onToggleVisible: (ids: string[], visible: boolean) => void;
  onToggleSelect: (id: string, range: boolean) => void;
  onChooseColor: (id: string, color: string | null) => void;
}

function RunRowViewInner(props: RunRowViewProps) {
  const { run, visible, selected } = props;
  const color = useRunColor(run);
  // Hover is shared with the charts: hovering this row emphasises the run's lines, and hovering
  // one of its lines highlights this row.
  const hoveredHere = useIsHoveredRun(run.id);
  const hovered = hoveredHere && !props.grouped;
  return (
    <div
      className={`rt-row${selected ? " selected" : ""}${visible ? "" : " dimmed"}${hovered ? " hovered" : ""}`}
      style={props.style}
      role="row"
      data-testid="run-row"
      data-run-id={run.id}
      data-run-name={run.name}
      data-hovered={hovered || undefined}
      onMouseEnter={() => setHoveredRun(run.id)}
      onMouseLeave={() => setHoveredRun(null)}
    >
      {props.columns.map((column) => {
        const id = column.id;
        const style = cellStyle(column);
        switch (id) {
          case "select":
            return (
              <div key={id} className={cellClass(column, "rt-center")} style={style}>
                <input
                  type="checkbox"
                  checked={selected}
                  readOnly
                  aria-label={`Select ${run.name}`}
                  data-testid="run-select"
                  onClick={(e) => props.onToggleSelect(run.id, e.shiftKey)}
                />
              </div>
            );
          case "eye":
            return (
              <div key={id} className={cellClass(column, "rt-center")} style={style}>
                <button
                  type="button"
                  className={`eye-toggle${visible ? " on" : ""}`}
                  aria-pressed={visible}
                  aria-label={visible ? `Hide ${run.name} from charts` : `Show ${run.name} in charts`}
                  title={visible ? "Shown in charts (click to hide)" : "Hidden from charts (click to show)"}
                  data-testid="eye-toggle"
                  data-visible={visible}
                  onClick={() => props.onToggleVisible([run.id], !visible)}
                >
                  <EyeIcon open={visible} />
                </button>
              </div>
            );
          case "color":
            return (
              <div key={id} className={cellClass(column, "rt-center")} style={style}>
                <RunColorPicker
                  runName={run.name}
                  color={color}
                  chosen={run.id in getRunColorOverrides()}
                  onChoose={(next) => props.onChooseColor(run.id, next)}
                />
              </div>
            );
          case "name":
            return (
              <div key={id} className={cellClass(column)} style={style}>
                <Link
                  className="run-link"
                  to={`/p/${encodeURIComponent(props.project)}/r/${encodeURIComponent(run.id)}`}
                  title={`${run.name} (${run.id})`}
                  data-testid="run-link"
                >
                  {run.name}
                </Link>
              </div>
            );
          default: {
            const data = props.dataColumns.get(id);
            return (
              <div
                key={id}
                className={cellClass(column)}
                style={style}
                title={data?.title(run)}
                data-column={id}
              >
                {data?.render(run, props.now)}
              </div>
            );
          }
        }
      })}
    </div>
  );
}

export const RunRowView = memo(RunRowViewInner);
