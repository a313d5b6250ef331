import { useEffect, useState, type RefObject } from "react";
import { observeAhead, observeView } from "./sharedObservers";

export interface InView {
  /** near the viewport now */
  visible: boolean;
  /** has been near the viewport at least once (panels keep their chart after that) */
  seen: boolean;
}

/**
 * Whether `ref`'s element is (or was) near the viewport, through the shared IntersectionObserver.
 * With `ahead`, it also counts as seen once the page is idle while it sits a little further off
 * (a chart drawn before it is scrolled to; not for panels that fetch much, such as media).
 */
export function useInView(ref: RefObject<HTMLElement | null>, ahead = false): InView {
  const [state, setState] = useState<InView>({ visible: false, seen: false });
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const stopView = observeView(element, (visible) =>
      setState((old) => (old.visible === visible && (old.seen || !visible) ? old : { visible, seen: old.seen || visible })),
    );
    const stopAhead = ahead ? observeAhead(element, () => setState((old) => (old.seen ? old : { ...old, seen: true }))) : () => undefined;
    return () => {
      stopView();
      stopAhead();
    };
  }, [ref, ahead]);
  return state;
}
