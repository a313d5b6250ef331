import { useLayoutEffect, useState, type RefObject } from "react";
import { observeSize } from "./sharedObservers";

export interface Size {
  width: number;
  height: number;
}

/** The content size of `ref`'s element, through the shared ResizeObserver. */
export function useElementSize(ref: RefObject<HTMLElement | null>): Size {
  const [size, setSize] = useState<Size>({ width: 0, height: 0 });
  useLayoutEffect(() => {
    const element = ref.current;
    if (!element) return;
    const rect = element.getBoundingClientRect();
    setSize({ width: Math.floor(rect.width), height: Math.floor(rect.height) });
    return observeSize(element, (width, height) =>
      setSize((old) => (old.width === width && old.height === height ? old : { width, height })),
    );
  }, [ref]);
  return size;
}
