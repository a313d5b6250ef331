// Chart colours from the theme: the CSS custom properties of styles.css (light under :root, dark
// under [data-theme="dark"]) read for ECharts charts, and an ECharts theme object built from them.
import { useEffect, useState } from "react";

export type ThemeName = "light" | "dark";

/** The colours an ECharts chart takes from the theme (CSS custom properties in styles.css). */
export interface ChartTheme {
  name: ThemeName;
  text: string;
  muted: string;
  axis: string;
  grid: string;
  panel: string;
  /** few → many, for histogram heatmaps */
  heat: [string, string, string, string];
  matrix: [string, string];
  cellLabel: string;
}

const LIGHT_CHART: ChartTheme = {
  name: "light",
  text: "#1f2328",
  muted: "#656d76",
  axis: "#cfd4db",
  grid: "#e2e5ea",
  panel: "#ffffff",
  heat: ["#e8f0fd", "#7aa2f7", "#2f6fdb", "#143d8c"],
  matrix: ["#f3f6fb", "#2f6fdb"],
  cellLabel: "#1f2328",
};

/** The chart colours of the document's current theme, read from its CSS custom properties. */
export function readChartTheme(): ChartTheme {
  const root = document.documentElement;
  const style = getComputedStyle(root);
  const read = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  const f = LIGHT_CHART;
  return {
    name: root.dataset.theme === "dark" ? "dark" : "light",
    text: read("--text", f.text),
    muted: read("--text-muted", f.muted),
    axis: read("--border-strong", f.axis),
    grid: read("--border", f.grid),
    panel: read("--bg-panel", f.panel),
    heat: [
      read("--chart-heat-1", f.heat[0]),
      read("--chart-heat-2", f.heat[1]),
      read("--chart-heat-3", f.heat[2]),
      read("--chart-heat-4", f.heat[3]),
    ],
    matrix: [read("--chart-matrix-low", f.matrix[0]), read("--chart-matrix-high", f.matrix[1])],
    cellLabel: read("--chart-cell-label", f.cellLabel),
  };
}

/** The chart colours of the current theme, read again when the theme changes. */
export function useChartTheme(): ChartTheme {
  const [theme, setTheme] = useState(readChartTheme);
  useEffect(() => {
    const update = () =>
      setTheme((current) => {
        const next = readChartTheme();
        return JSON.stringify(next) === JSON.stringify(current) ? current : next;
      });
    update();
    const observer = new MutationObserver(update);
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
    return () => observer.disconnect();
  }, []);
  return theme;
}

/** An ECharts theme object: text, axes, grid lines, tooltip and legend in the theme's colours. */
export function echartsTheme(t: ChartTheme): Record<string, unknown> {
  const axis = {
    axisLine: { lineStyle: { color: t.axis } },
    axisTick: { lineStyle: { color: t.axis } },
    axisLabel: { color: t.muted },
    nameTextStyle: { color: t.muted },
    splitLine: { lineStyle: { color: [t.grid] } },
    splitArea: { areaStyle: { color: ["transparent"] } },
  };
  return {
    backgroundColor: "transparent",
    textStyle: { color: t.text },
    title: { textStyle: { color: t.text }, subtextStyle: { color: t.muted } },
    legend: { textStyle: { color: t.muted }, pageTextStyle: { color: t.muted } },
    tooltip: { backgroundColor: t.panel, borderColor: t.axis, textStyle: { color: t.text } },
    visualMap: { textStyle: { color: t.muted } },
    categoryAxis: axis,
    valueAxis: axis,
    logAxis: axis,
    timeAxis: axis,
  };
}
