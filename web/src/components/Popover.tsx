import { useEffect, useRef, useState, type ReactNode } from "react";

interface PopoverProps {
  label: ReactNode;
  title?: string;
  testId?: string;
  className?: string;
  align?: "left" | "right";
  children: (close: () => void) => ReactNode;
}

/** A button that opens a panel below it; a click outside or Escape closes it. */
export function Popover({ label, title, testId, className, align = "left", children }: PopoverProps) {
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (ref.current && !ref.current.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && setOpen(false);
    document.addEventListener("mousedown", onDown);
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("mousedown", onDown);
      document.removeEventListener("keydown", onKey);
    };
  }, [open]);

  return (
    <div className="popover-anchor" ref={ref}>
      <button
        type="button"
        className={className ?? "button"}
        title={title}
        aria-expanded={open}
        data-testid={testId}
        onClick={() => setOpen((o) => !o)}
      >
        {label}
      </button>
      {open && (
        <div className={`popover popover-${align}`} role="dialog">
          {children(() => setOpen(false))}
        </div>
      )}
    </div>
  );
}
