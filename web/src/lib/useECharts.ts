// One ECharts instance per element: made on mount, resized with the element, disposed on unmount.
// This imports echarts/core: use it only from modules that are loaded lazily (React.lazy), so the
// app's first paint does not download ECharts.
// Tooltips are HTML: ECharts 6 escapes the names and values of its default tooltips, but a
// `formatter` function's string (and a "{b}" template) goes in as markup, so build it with
// `html` from lib/escapeHtml.
import { type ECharts, init } from "echarts/core";
import { type RefObject, useEffect, useRef } from "react";

export interface EChartsHost {
  /** put on the element that holds the chart */
  ref: RefObject<HTMLDivElement | null>;
  /** the chart while mounted; effects declared after the hook see it set */
  chart: RefObject<ECharts | null>;
}

/**
 * Makes a canvas chart on `ref`'s element and calls `onInit(chart)` once, to bind events (read
 * changing props through a ref there). The caller registers the chart types it draws
 * (`echarts.use`) and sets the option.
 */
export function useECharts(onInit?: (chart: ECharts) => void): EChartsHost {
  const ref = useRef<HTMLDivElement>(null);
  const chart = useRef<ECharts | null>(null);
  const bind = useRef(onInit);

  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const instance = init(element, undefined, { renderer: "canvas" });
    chart.current = instance;
    bind.current?.(instance);
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(element);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  return { ref, chart };
}
