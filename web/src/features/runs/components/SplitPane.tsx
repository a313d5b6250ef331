import { useCallback, useRef, useState, type KeyboardEvent, type PointerEvent, type ReactNode } from "react";
import { clampSplit, keyStep, readSplit, SPLIT_KEY, SPLIT_MAX, SPLIT_MIN } from "./splitState";

/** Two panes side by side with a handle between them: drag it, or focus it and press the arrow keys
 * (Shift for bigger steps, Home/End for the ends, Enter to reset). The left width (percent) is kept in
 * localStorage; the CSS keeps both panes usable (`.split-left` min and max widths) whatever is stored. */
export function SplitPane({ left, right, initial = 46 }: { left: ReactNode; right: ReactNode; initial?: number }) {
  const [percent, setPercent] = useState(() => readSplit(localStorage.getItem(SPLIT_KEY), initial));
  const [dragging, setDragging] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  const leftRef = useRef<HTMLDivElement>(null);

  const keep = useCallback((value: number) => {
    setPercent(value);
    localStorage.setItem(SPLIT_KEY, value.toFixed(1));
  }, []);

  // The width the CSS actually gives the left pane, as a percent (the bounds may have clamped it).
  const shown = useCallback(() => {
    const box = ref.current?.getBoundingClientRect();
    const leftBox = leftRef.current?.getBoundingClientRect();
    return box && leftBox && box.width > 0 ? (leftBox.width / box.width) * 100 : percent;
  }, [percent]);

  const onPointerDown = useCallback(
    (e: PointerEvent<HTMLDivElement>) => {
      if (e.button !== 0) return;
      e.preventDefault();
      const box = ref.current?.getBoundingClientRect();
      if (!box) return;
      setDragging(true);
      let last: number | null = null;
      const onMove = (ev: globalThis.PointerEvent) => {
        last = clampSplit(((ev.clientX - box.left) / box.width) * 100);
        setPercent(last);
      };
      const onUp = () => {
        setDragging(false);
        if (last !== null) keep(clampSplit(shown()));
        window.removeEventListener("pointermove", onMove);
        window.removeEventListener("pointerup", onUp);
      };
      window.addEventListener("pointermove", onMove);
      window.addEventListener("pointerup", onUp);
    },
    [keep, shown],
  );

  const onKeyDown = useCallback(
    (e: KeyboardEvent<HTMLDivElement>) => {
      if (e.key === "Enter") {
        e.preventDefault();
        setPercent(initial);
        localStorage.removeItem(SPLIT_KEY);
        return;
      }
      const next = keyStep(e.key, e.shiftKey, shown());
      if (next === null) return;
      e.preventDefault();
      keep(next);
    },
    [initial, keep, shown],
  );

  return (
    <div className={`split${dragging ? " dragging" : ""}`} ref={ref}>
      <div className="split-left" id="split-left" ref={leftRef} style={{ width: `${percent}%` }}>
        {left}
      </div>
      <div
        className="split-handle"
        role="separator"
        tabIndex={0}
        aria-label="Resize the runs table and the charts"
        aria-controls="split-left"
        aria-orientation="vertical"
        aria-valuemin={SPLIT_MIN}
        aria-valuemax={SPLIT_MAX}
        aria-valuenow={Math.round(percent)}
        title="Drag, or focus and use the arrow keys; double-click or Enter resets"
        data-testid="split-handle"
        onPointerDown={onPointerDown}
        onKeyDown={onKeyDown}
        onDoubleClick={() => {
          setPercent(initial);
          localStorage.removeItem(SPLIT_KEY);
        }}
      />
      <div className="split-right">{right}</div>
    </div>
  );
}
