// A panel's legend: each line's colour (and dash, when the panel shows several keys) and name, as
// React text (no HTML strings). Collapsible; the choice is remembered for every panel. Hovering an
// entry emphasises that run, like hovering its row in the runs table. A long legend renders a page
// of entries and more as it is scrolled (lib/legendWindow).
import { type CSSProperties, type JSX, type UIEvent, useCallback, useState } from "react";
import type { ChartLine } from "../lib/chartLines";
import { legendMore, legendShown, nearEnd } from "../lib/legendWindow";
import { setHoveredRun } from "../state/hoveredRun";

const OPEN_KEY = "cairn.chartLegend";

function storedOpen(): boolean {
  try {
    return localStorage.getItem(OPEN_KEY) !== "closed";
  } catch {
    return true;
  }
}

function swatchStyle(line: ChartLine): CSSProperties {
  if (!line.dash) return { background: line.color };
  return { background: "transparent", borderTop: `2px dashed ${line.color}`, height: 0 };
}

export function ChartLegend({ lines, emphasis }: { lines: readonly ChartLine[]; emphasis: string | null }): JSX.Element {
  const [open, setOpen] = useState(storedOpen);
  const [wanted, setWanted] = useState(0);
  const shown = legendShown(lines.length, wanted);
  const onMore = useCallback(() => setWanted(legendMore(shown)), [shown]);
  const onScroll = useCallback(
    (event: UIEvent<HTMLDivElement>) => {
      const box = event.currentTarget;
      if (shown < lines.length && nearEnd(box.scrollTop, box.clientHeight, box.scrollHeight)) onMore();
    },
    [shown, lines.length, onMore],
  );
  const onToggle = useCallback(() => {
    setOpen((was) => {
      try {
        localStorage.setItem(OPEN_KEY, was ? "closed" : "open");
      } catch {
        // private mode: the choice lasts for this page
      }
      return !was;
    });
  }, []);

  return (
    <div className={`cc-legend${open ? "" : " cc-legend-closed"}`} data-testid="chart-legend" onScroll={onScroll}>
      <button
        type="button"
        className="cc-legend-toggle"
        aria-expanded={open}
        aria-label={open ? "Hide legend" : "Show legend"}
        title={open ? "Hide legend" : "Show legend"}
        onClick={onToggle}
      >
        {open ? "▾" : "▸"}
      </button>
      {open ? (
        <ul className="cc-legend-items">
          {lines.slice(0, shown).map((line) => {
            const single = line.runIds.length === 1 ? (line.runIds[0] as string) : null;
            const emphasised = emphasis !== null && line.runIds.includes(emphasis);
            return (
              <li
                key={line.id}
                className={`cc-legend-item${emphasised ? " cc-legend-emphasis" : ""}${emphasis !== null && !emphasised ? " cc-legend-dim" : ""}`}
                data-testid="legend-item"
                title={line.runCount > 1 ? `${line.label} (${line.runCount} runs)` : line.label}
                onMouseEnter={single ? () => setHoveredRun(single) : undefined}
                onMouseLeave={single ? () => setHoveredRun(null) : undefined}
              >
                <span className="cc-legend-swatch" style={swatchStyle(line)} aria-hidden />
                <span className="cc-legend-name">{line.label}</span>
              </li>
            );
          })}
          {shown < lines.length ? (
            <li className="cc-legend-item">
              <button type="button" className="cc-legend-more" data-testid="legend-more" onClick={onMore}>
                {`${lines.length - shown} more`}
              </button>
            </li>
          ) : null}
        </ul>
      ) : (
        <span className="cc-legend-summary">{lines.length === 1 ? "1 line" : `${lines.length} lines`}</span>
      )}
    </div>
  );
}
