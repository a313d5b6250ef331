// Which panels of a section's grid are near the view, so that only those are mounted (and hold a
// chart); the others are placeholders of the same size, so the page keeps its height as they swap.
import { type RefObject, useEffect, useLayoutEffect, useRef, useState } from "react";
import { AHEAD_MARGIN, scrollRoot } from "./sharedObservers";

/**
 * How far past the scrolling box's edges panels stay mounted: as far as panels draw ahead while the
 * page is idle, so a panel is never drawn ahead and then dropped at once.
 */
export const MOUNT_MARGIN = AHEAD_MARGIN;

/**
 * The `data-panel-id`s of the grid's children within MOUNT_MARGIN of the view (null: every panel,
 * where the browser has no IntersectionObserver). Placeholders and mounted panels are both watched:
 * a child that scrolls out unmounts, one that scrolls in mounts.
 */
export function useNearPanels(grid: RefObject<HTMLElement | null>, active: boolean): ReadonlySet<string> | null {
  const supported = typeof IntersectionObserver !== "undefined";
  const [near, setNear] = useState<ReadonlySet<string>>(() => new Set());
  const observer = useRef<IntersectionObserver | null>(null);

  useEffect(() => {
    const element = grid.current;
    if (!supported || !active || !element) return;
    const io = new IntersectionObserver(
      (entries) => {
        setNear((old) => {
          let next: Set<string> | null = null;
          for (const entry of entries) {
            const target = entry.target as HTMLElement;
            // A placeholder replaced by its panel (or the reverse) reports its leaving: ignore it.
            if (!target.isConnected) {
              io.unobserve(target);
              continue;
            }
            const id = target.dataset.panelId;
            if (id === undefined || old.has(id) === entry.isIntersecting) continue;
            next ??= new Set(old);
            if (entry.isIntersecting) next.add(id);
            else next.delete(id);
          }
          return next ?? old;
        });
      },
      { root: scrollRoot(element), rootMargin: MOUNT_MARGIN },
    );
    observer.current = io;
    for (const child of element.children) io.observe(child);
    return () => {
      observer.current = null;
      io.disconnect();
    };
  }, [grid, active, supported]);

  // After every render, watch the children that are new (observing one twice does nothing).
  useLayoutEffect(() => {
    const io = observer.current;
    const element = grid.current;
    if (io && element) for (const child of element.children) io.observe(child);
  });

  return supported ? near : null;
}
