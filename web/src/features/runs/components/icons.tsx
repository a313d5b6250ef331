// Small inline icons (16px, currentColor).

export function EyeIcon({ open }: { open: boolean }) {
  return (
    <svg width="14" height="14" viewBox="0 0 16 16" aria-hidden fill="none" stroke="currentColor" strokeWidth="1.5">
      <path d="M1 8s2.5-5 7-5 7 5 7 5-2.5 5-7 5-7-5-7-5z" />
      <circle cx="8" cy="8" r="2" fill={open ? "currentColor" : "none"} />
      {!open && <path d="M2 14L14 2" />}
    </svg>
  );
}

export function CaretIcon({ open }: { open: boolean }) {
  return (
    <svg
      width="10"
      height="10"
      viewBox="0 0 10 10"
      aria-hidden
      style={{ transform: open ? "rotate(90deg)" : undefined, transition: "transform 0.1s" }}
    >
      <path d="M3 1l4 4-4 4z" fill="currentColor" />
    </svg>
  );
}

export function PinIcon() {
  return (
    <svg width="11" height="11" viewBox="0 0 16 16" aria-hidden fill="currentColor">
      <path d="M10 1l5 5-2 1-3 3 1 4-1 1-3.5-3.5L2 16l-.5-.5L5 11 1.5 7.5l1-1 4 1 3-3z" />
    </svg>
  );
}
