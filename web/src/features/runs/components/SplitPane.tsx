import { useCallback, useRef, useState, type ReactNode } from "react";

const KEY = "cairn.split";

function stored(fallback: number): number {
  const value = Number(localStorage.getItem(KEY));
  return value >= 15 && value <= 85 ? value : fallback;
}

/** Two panes side by side with a drag handle; the left width (percent) is kept in localStorage. */
export function SplitPane({ left, right, initial = 40 }: { left: ReactNode; right: ReactNode; initial?: number }) {
  const [percent, setPercent] = useState(() => stored(initial));
  const [dragging, setDragging] = useState(false);
  const ref = useRef<HTMLDivElement>(null);

  const onPointerDown = useCallback((e: React.PointerEvent<HTMLDivElement>) => {
    e.preventDefault();
    const box = ref.current?.getBoundingClientRect();
    if (!box) return;
    setDragging(true);
    let last = 0;
    const onMove = (ev: PointerEvent) => {
      last = Math.min(85, Math.max(15, ((ev.clientX - box.left) / box.width) * 100));
      setPercent(last);
    };
    const onUp = () => {
      setDragging(false);
      if (last) localStorage.setItem(KEY, last.toFixed(1));
      window.removeEventListener("pointermove", onMove);
      window.removeEventListener("pointerup", onUp);
    };
    window.addEventListener("pointermove", onMove);
    window.addEventListener("pointerup", onUp);
  }, []);

  return (
    <div className={`split${dragging ? " dragging" : ""}`} ref={ref}>
      <div className="split-left" style={{ width: `${percent}%` }}>
        {left}
      </div>
      <div
        className="split-handle"
        role="separator"
        aria-orientation="vertical"
        aria-valuenow={Math.round(percent)}
        data-testid="split-handle"
        onPointerDown={onPointerDown}
        onDoubleClick={() => {
          setPercent(initial);
          localStorage.removeItem(KEY);
        }}
      />
      <div className="split-right">{right}</div>
    </div>
  );
}
