import { useEffect, useState, type RefObject } from "react";
import { observeView } from "./sharedObservers";

export interface InView {
  /** near the viewport now */
  visible: boolean;
  /** has been near the viewport at least once (panels keep their chart after that) */
  seen: boolean;
}

/** Whether `ref`'s element is (or was) near the viewport, through the shared IntersectionObserver. */
export function useInView(ref: RefObject<HTMLElement | null>): InView {
  const [state, setState] = useState<InView>({ visible: false, seen: false });
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    return observeView(element, (visible) =>
      setState((old) => (old.visible === visible && (old.seen || !visible) ? old : { visible, seen: old.seen || visible })),
    );
  }, [ref]);
  return state;
}
