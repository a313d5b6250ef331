// One ResizeObserver and one IntersectionObserver for all panels, instead of one per chart.

type SizeListener = (width: number, height: number) => void;
type ViewListener = (visible: boolean) => void;

const sizeListeners = new Map<Element, SizeListener>();
const viewListeners = new Map<Element, ViewListener>();
let resizeObserver: ResizeObserver | null = null;
/** one IntersectionObserver per scrolling box (null: the page) */
const intersectionObservers = new Map<Element | null, IntersectionObserver>();

/** Panels start drawing a little before they scroll into view. */
export const VIEW_MARGIN = "400px 0px";

function resizer(): ResizeObserver {
  resizeObserver ??= new ResizeObserver((entries) => {
    for (const entry of entries) {
      const box = entry.contentRect;
      sizeListeners.get(entry.target)?.(Math.floor(box.width), Math.floor(box.height));
    }
  });
  return resizeObserver;
}

/**
 * The box whose scrolling brings `element` into view: its nearest scrolling ancestor, or null for
 * the page. An observer rooted at the page would see the panels clipped by that box, so its margin
 * would not reach past the box's edge and panels would start drawing only once they show.
 */
export function scrollRoot(element: Element): Element | null {
  for (let box = element.parentElement; box; box = box.parentElement) {
    const { overflowY } = getComputedStyle(box);
    if (overflowY === "auto" || overflowY === "scroll") return box;
  }
  return null;
}

function intersector(root: Element | null): IntersectionObserver {
  let observer = intersectionObservers.get(root);
  if (!observer) {
    observer = new IntersectionObserver(
      (entries) => {
        for (const entry of entries) viewListeners.get(entry.target)?.(entry.isIntersecting);
      },
      { root, rootMargin: VIEW_MARGIN },
    );
    intersectionObservers.set(root, observer);
  }
  return observer;
}

/** Calls `listener` with the element's content size now and whenever it changes; returns the stop. */
export function observeSize(element: Element, listener: SizeListener): () => void {
  sizeListeners.set(element, listener);
  resizer().observe(element);
  return () => {
    sizeListeners.delete(element);
    resizeObserver?.unobserve(element);
  };
}

/** Calls `listener` when the element enters or leaves the (extended) viewport; returns the stop. */
export function observeView(element: Element, listener: ViewListener): () => void {
  if (typeof IntersectionObserver === "undefined") {
    listener(true);
    return () => undefined;
  }
  viewListeners.set(element, listener);
  const observer = intersector(scrollRoot(element));
  observer.observe(element);
  return () => {
    viewListeners.delete(element);
    observer.unobserve(element);
  };
}

/** How far past the scrolling box's edges (in its own heights) panels draw while the page is idle. */
export const AHEAD_MARGIN = "200% 0px";

const aheadListeners = new Map<Element, () => void>();
const aheadObservers = new Map<Element | null, IntersectionObserver>();
const aheadQueue = new Set<Element>();
let idleScheduled = false;

type IdleDeadline = { timeRemaining: () => number };
const requestIdle: (callback: (deadline: IdleDeadline) => void) => void =
  typeof window !== "undefined" && "requestIdleCallback" in window
    ? (callback) => window.requestIdleCallback(callback, { timeout: 2000 })
    : (callback) => setTimeout(() => callback({ timeRemaining: () => 10 }), 50);

/** Wakes the panels queued ahead one at a time, each when the page is idle, in page order. */
function drainAhead(): void {
  idleScheduled = false;
  const next = [...aheadQueue].sort((a, b) => (a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1))[0];
  if (!next) return;
  aheadQueue.delete(next);
  const listener = aheadListeners.get(next);
  aheadListeners.delete(next);
  for (const observer of aheadObservers.values()) observer.unobserve(next);
  listener?.();
  scheduleAhead();
}

function scheduleAhead(): void {
  if (idleScheduled || aheadQueue.size === 0) return;
  idleScheduled = true;
  requestIdle(drainAhead);
}

function aheadObserver(root: Element | null): IntersectionObserver {
  let observer = aheadObservers.get(root);
  if (!observer) {
    observer = new IntersectionObserver(
      (entries) => {
        for (const entry of entries) {
          if (entry.isIntersecting && aheadListeners.has(entry.target)) aheadQueue.add(entry.target);
          else aheadQueue.delete(entry.target);
        }
        scheduleAhead();
      },
      { root, rootMargin: AHEAD_MARGIN },
    );
    aheadObservers.set(root, observer);
  }
  return observer;
}

/**
 * Calls `listener` once, when the page is idle, if the element comes within AHEAD_MARGIN of the
 * view first: panels just below the fold draw before the user scrolls to them, one per idle
 * moment, so scrolling does not stop to draw them. Returns the stop.
 */
export function observeAhead(element: Element, listener: () => void): () => void {
  if (typeof IntersectionObserver === "undefined") return () => undefined;
  aheadListeners.set(element, listener);
  const observer = aheadObserver(scrollRoot(element));
  observer.observe(element);
  return () => {
    aheadListeners.delete(element);
    aheadQueue.delete(element);
    observer.unobserve(element);
  };
}
