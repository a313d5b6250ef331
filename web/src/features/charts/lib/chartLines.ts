// The lines of one panel, from the series the server sent: one per run, or one per group (mean with a
// min–max band), for each of the panel's keys.
import type { Series } from "../../../api/types";
import { aggregateGroup } from "./groups";

export type NonfiniteKind = "nan" | "inf" | "-inf";

/** What a line needs to know about a run (PanelGrid's ChartRun fits). */
export interface LineRun {
  id: string;
  name: string;
  color: string;
  group: string | null;
}

export interface NonfiniteMarker {
  x: number;
  kind: NonfiniteKind;
}

export interface ChartLine {
  id: string;
  label: string;
  color: string;
  /** dash pattern telling a panel's keys apart (null: solid) */
  dash: number[] | null;
  x: number[];
  y: (number | null)[];
  /** for a group: the min and max of its runs at each x */
  band: { min: (number | null)[]; max: (number | null)[] } | null;
  /** for a run: which null points were NaN or ±Inf */
  kinds: Map<number, NonfiniteKind> | null;
  markers: NonfiniteMarker[];
  runCount: number;
  /** the runs drawn by this line (one, or a group's members) */
  runIds: string[];
}

const DASHES: readonly (number[] | null)[] = [null, [6, 4], [2, 3], [10, 3, 2, 3]];

function dashFor(keyIndex: number): number[] | null {
  return DASHES[keyIndex % DASHES.length] ?? null;
}

function labelFor(name: string, key: string, keyCount: number): string {
  return keyCount > 1 ? `${name} · ${key}` : name;
}

function runLine(run: LineRun, series: Series, key: string, keyIndex: number, keyCount: number): ChartLine {
  const kinds = new Map<number, NonfiniteKind>();
  const markers: NonfiniteMarker[] = [];
  const { index, kind } = series.nonfinite;
  for (let i = 0; i < index.length; i++) {
    const at = index[i] as number;
    const k = kind[i] ?? "nan";
    const x = series.x[at];
    kinds.set(at, k);
    if (x !== undefined && Number.isFinite(x)) markers.push({ x, kind: k });
  }
  return {
    id: `${run.id}\u0000${key}`,
    label: labelFor(run.name, key, keyCount),
    color: run.color,
    dash: dashFor(keyIndex),
    x: series.x,
    y: series.y,
    band: null,
    kinds: kinds.size > 0 ? kinds : null,
    markers,
    runCount: 1,
    runIds: [run.id],
  };
}

interface RunGroup {
  id: string;
  label: string;
  runs: LineRun[];
}

/** Runs sharing a group, in the order their first run appears; runs without a group stand alone. */
export function groupRuns(runs: readonly LineRun[]): RunGroup[] {
  const groups = new Map<string, RunGroup>();
  for (const run of runs) {
    const id = run.group === null ? `run\u0000${run.id}` : `group\u0000${run.group}`;
    const group = groups.get(id);
    if (group) group.runs.push(run);
    else groups.set(id, { id, label: run.group ?? run.name, runs: [run] });
  }
  return [...groups.values()];
}

function seriesIndex(series: readonly Series[]): Map<string, Series> {
  const index = new Map<string, Series>();
  for (const s of series) index.set(`${s.run_id}\u0000${s.key}`, s);
  return index;
}

/**
 * Lines for `keys` × `runs` (runs in the order given, which is the table's). Grouped: one line per
 * group and key, its runs aggregated on a grid of at most `groupPoints` x values.
 */
export function buildLines(
  series: readonly Series[],
  runs: readonly LineRun[],
  keys: readonly string[],
  grouped: boolean,
  groupPoints: number,
): ChartLine[] {
  const index = seriesIndex(series);
  const lines: ChartLine[] = [];
  keys.forEach((key, keyIndex) => {
    if (!grouped) {
      for (const run of runs) {
        const s = index.get(`${run.id}\u0000${key}`);
        if (s && s.x.length > 0) lines.push(runLine(run, s, key, keyIndex, keys.length));
      }
      return;
    }
    for (const group of groupRuns(runs)) {
      const members = group.runs
        .map((run) => ({ run, s: index.get(`${run.id}\u0000${key}`) }))
        .filter((m): m is { run: LineRun; s: Series } => m.s !== undefined && m.s.x.length > 0);
      const first = members[0];
      if (!first) continue;
      const color = group.runs[0]?.color ?? first.run.color;
      if (first.run.group === null) {
        lines.push(runLine(first.run, first.s, key, keyIndex, keys.length));
        continue;
      }
      const agg = aggregateGroup(
        members.map((m) => m.s),
        groupPoints,
      );
      const seen = new Set<string>();
      const markers: NonfiniteMarker[] = [];
      for (const m of members) {
        m.s.nonfinite.index.forEach((at, i) => {
          const x = m.s.x[at];
          const kind = m.s.nonfinite.kind[i] ?? "nan";
          if (x === undefined || !Number.isFinite(x) || seen.has(`${x}\u0000${kind}`)) return;
          seen.add(`${x}\u0000${kind}`);
          markers.push({ x, kind });
        });
      }
      lines.push({
        id: `${group.id}\u0000${key}`,
        label: labelFor(group.label, key, keys.length),
        color,
        dash: dashFor(keyIndex),
        x: agg.x,
        y: agg.mean,
        band: { min: agg.min, max: agg.max },
        kinds: null,
        markers,
        runCount: members.length,
        runIds: members.map((m) => m.run.id),
      });
    }
  });
  return lines;
}

/** The lines without their points at x ≤ 0 (which a log x axis cannot place); x is ascending. */
export function withPositiveX(lines: readonly ChartLine[]): ChartLine[] {
  return lines.map((line) => {
    let k = 0;
    while (k < line.x.length && !((line.x[k] as number) > 0)) k++;
    if (k === 0) return line;
    let kinds: Map<number, NonfiniteKind> | null = null;
    if (line.kinds) {
      kinds = new Map();
      for (const [at, kind] of line.kinds) if (at >= k) kinds.set(at - k, kind);
    }
    return {
      ...line,
      x: line.x.slice(k),
      y: line.y.slice(k),
      band: line.band && { min: line.band.min.slice(k), max: line.band.max.slice(k) },
      kinds,
      markers: line.markers.filter((m) => m.x > 0),
    };
  });
}
