// Media panels in a workspace (and the compare page), after the line charts: a section per key
// prefix, collapsed until opened (the browser remembers which), then one panel per key comparing
// the runs the table shows, the selected ones first (each panel says how many of them it draws and
// lets you pick). Nothing but the key list is fetched before a section is opened; an open
// section's panels load as they scroll into view.
import { type JSX, type ReactNode, useMemo, useRef } from "react";
import { useInView } from "../charts/hooks/useInView";
import { compareKeys, compareSections, DEFAULT_SECTION, sectionOf } from "../charts/lib/sections";
import { plural } from "../../lib/plural";
import type { MediaKey, MediaKind } from "./api";
import { HistogramPanel } from "./components/HistogramPanel";
import { ImagePanel } from "./components/ImagePanel";
import { OtherPanel } from "./components/OtherPanel";
import { PlotPanel } from "./components/PlotPanel";
import { TableViewer } from "./components/TableViewer";
import { useOpenSections } from "./hooks/useOpenSections";
import { type MediaRun, selectedFirst } from "./lib/runChoice";
import "./media.css";

const NONE: readonly string[] = [];

/** The section of media keys without a "/" prefix (the line charts call theirs "Charts"). */
const MEDIA_SECTION = "Media";

function mediaSectionOf(key: string): string {
  const name = sectionOf(key);
  return name === DEFAULT_SECTION ? MEDIA_SECTION : name;
}

/** A panel's place until it scrolls near the view: then it mounts and fetches. */
function LazyPanel({ wide, children }: { wide: boolean; children: () => ReactNode }): ReactNode {
  const ref = useRef<HTMLDivElement>(null);
  const { seen } = useInView(ref);
  if (seen) return children();
  return <div ref={ref} className="cc-panel md-panel md-pending" data-w={wide ? "3" : "1"} data-testid="media-pending" />;
}

function panelOf(project: string, key: MediaKey, logged: MediaRun[], metricKeys: ReadonlySet<string>): JSX.Element {
  if (key.kind === "image") return <ImagePanel project={project} runs={logged} mediaKey={key.key} />;
  if (key.kind === "table") return <TableViewer project={project} runs={logged} mediaKey={key.key} />;
  if (key.kind === "histogram") {
    const norm = `${key.key}/norm`;
    return <HistogramPanel project={project} runs={logged} mediaKey={key.key} normKey={metricKeys.has(norm) ? norm : null} />;
  }
  if (key.kind === "plot") return <PlotPanel project={project} runs={logged} mediaKey={key.key} />;
  return <OtherPanel project={project} runs={logged} mediaKey={key.key} kind={key.kind} />;
}

/** Each kind's noun, singular and plural. */
const KIND_WORDS: Record<MediaKind, [string, string]> = {
  image: ["image", "images"],
  histogram: ["histogram", "histograms"],
  table: ["table", "tables"],
  plot: ["chart", "charts"],
  text: ["text", "texts"],
  html: ["HTML", "HTML"],
  audio: ["audio", "audio"],
  video: ["video", "videos"],
  object3d: ["3-D object", "3-D objects"],
};

/** "6 histograms · 2 charts": what a collapsed section holds. */
function kindsNote(keys: readonly MediaKey[]): string {
  const counts = new Map<MediaKind, number>();
  for (const key of keys) counts.set(key.kind, (counts.get(key.kind) ?? 0) + 1);
  return [...counts].map(([kind, n]) => plural(n, ...KIND_WORDS[kind])).join(" · ");
}

function MediaSection({
  name,
  keys,
  open,
  onToggle,
  children,
}: {
  name: string;
  keys: readonly MediaKey[];
  open: boolean;
  onToggle: (name: string) => void;
  children: () => ReactNode;
}): JSX.Element {
  return (
    <section className="cc-section md-section" data-testid="media-section" data-section={name} data-collapsed={!open}>
      <header className="cc-section-head">
        <button type="button" className="cc-section-toggle" aria-expanded={open} onClick={() => onToggle(name)}>
          <span className={`cc-chevron${open ? " cc-open" : ""}`} aria-hidden>
            ▸
          </span>
          <span className="cc-section-name">{name}</span>
          {name !== MEDIA_SECTION && <span className="md-note">media</span>}
          <span className="cc-section-count">{keys.length}</span>
          {!open && <span className="md-note">{kindsNote(keys)}</span>}
        </button>
      </header>
      {open && <div className="cc-grid">{children()}</div>}
    </section>
  );
}

export function WorkspaceMedia({
  project,
  runs,
  keys,
  metricKeys,
  selected = NONE,
}: {
  project: string;
  /** the runs the table shows, in table order, with their colours */
  runs: readonly MediaRun[];
  /** runs selected in the table: panels draw these first */
  selected?: readonly string[];
  /** the media keys of those runs */
  keys: readonly MediaKey[];
  metricKeys: readonly string[];
}): JSX.Element | null {
  const [open, onToggle] = useOpenSections(project);
  const metrics = useMemo(() => new Set(metricKeys), [metricKeys]);
  const visible = useMemo(() => new Set(runs.map((r) => r.id)), [runs]);
  const selectedKey = selected.join(",");
  // eslint-disable-next-line react-hooks/exhaustive-deps -- selectedKey stands for `selected`
  const ordered = useMemo(() => selectedFirst(runs, selected), [runs, selectedKey]);
  // Per key, the shown runs that logged it, in table order: one array per key while runs stay.
  const sections = useMemo(() => {
    const found = new Map<string, { key: MediaKey; logged: MediaRun[] }[]>();
    for (const key of [...keys].sort((a, b) => compareKeys(a.key, b.key))) {
      const has = new Set(key.runs);
      const logged = ordered.filter((r) => has.has(r.id));
      if (!logged.length) continue;
      const name = mediaSectionOf(key.key);
      found.set(name, [...(found.get(name) ?? []), { key, logged }]);
    }
    return [...found].sort(([a], [b]) => compareSections(a, b));
  }, [keys, ordered]);
  if (!sections.length || !visible.size) return null;
  return (
    <div className="md-workspace" data-testid="workspace-media">
      {sections.map(([name, found]) => (
        <MediaSection key={name} name={name} keys={found.map((f) => f.key)} open={open.has(name)} onToggle={onToggle}>
          {() =>
            found.map(({ key, logged }) => (
              <LazyPanel key={key.key} wide={logged.length > 1 || key.kind === "table"}>
                {() => panelOf(project, key, logged, metrics)}
              </LazyPanel>
            ))
          }
        </MediaSection>
      ))}
    </div>
  );
}
