import { useEffect, useState } from "react";

/** The time in ms, updated every `intervalMs`, so relative times ("3 min ago") stay true. */
export function useNow(intervalMs = 30_000): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const id = window.setInterval(() => setNow(Date.now()), intervalMs);
    return () => window.clearInterval(id);
  }, [intervalMs]);
  return now;
}
