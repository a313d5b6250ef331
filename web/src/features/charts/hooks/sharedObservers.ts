// One ResizeObserver and one IntersectionObserver for all panels, instead of one per chart.

type SizeListener = (width: number, height: number) => void;
type ViewListener = (visible: boolean) => void;

const sizeListeners = new Map<Element, SizeListener>();
const viewListeners = new Map<Element, ViewListener>();
let resizeObserver: ResizeObserver | null = null;
let intersectionObserver: IntersectionObserver | null = null;

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

function intersector(): IntersectionObserver {
  intersectionObserver ??= new IntersectionObserver(
    (entries) => {
      for (const entry of entries) viewListeners.get(entry.target)?.(entry.isIntersecting);
    },
    { rootMargin: VIEW_MARGIN },
  );
  return intersectionObserver;
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
  intersector().observe(element);
  return () => {
    viewListeners.delete(element);
    intersectionObserver?.unobserve(element);
  };
}
