// Batches the panels' series requests. Panels asking for the same runs, x axis, range and resolution
// share a batch: the server reads each run's history once per request whatever the keys, so one
// request for 250 runs × 8 keys costs about what 250 runs × 1 key does. A batch larger than the
// server's limit on lines per request is split by runs, parts sent one after another (the server is
// no faster at several at once). The first batch of each wave (requests arriving while the queue is
// idle: the page's first load, but also showing 1,000 runs or zooming later) holds only the most
// important panel (or as many as fit in `firstPairs` lines), so the first chart in view comes back
// fast instead of waiting for a batch of every panel's lines.
import type { SeriesRequest, SeriesResponse } from "../../../api/types";
import { MAX_PAIRS_PER_REQUEST, splitRequest } from "./splitRequest";

export interface PanelRequest {
  /** sorted */
  runIds: readonly string[];
  keys: readonly string[];
  x: string;
  maxPoints: number;
  xMin: number | null;
  xMax: number | null;
  /** lower first: the panel's position on the page */
  priority: number;
}

export interface SchedulerOptions {
  /** most (run, key) lines in one HTTP request */
  maxPairs: number;
  /** most lines in a wave's first batch, so the first chart is not held up by the others */
  firstPairs: number;
  /** most keys in one batch after the first */
  maxBatchKeys: number;
  /** most lines in flight at once (one batch always goes) */
  maxInFlightPairs: number;
}

export const DEFAULT_SCHEDULER_OPTIONS: SchedulerOptions = {
  maxPairs: MAX_PAIRS_PER_REQUEST,
  firstPairs: MAX_PAIRS_PER_REQUEST / 2,
  maxBatchKeys: 16,
  maxInFlightPairs: MAX_PAIRS_PER_REQUEST,
};

interface Entry {
  request: PanelRequest;
  group: string;
  resolve: (response: SeriesResponse) => void;
  reject: (error: unknown) => void;
}

function groupOf(r: PanelRequest): string {
  return JSON.stringify([r.x, r.maxPoints, r.xMin, r.xMax, r.runIds]);
}

export class SeriesScheduler {
  private pending: Entry[] = [];
  private inFlightPairs = 0;
  private inFlight = 0;
  /** whether the current wave's first batch has gone (reset when the queue is idle) */
  private started = false;
  private scheduled = false;

  constructor(
    private readonly fetchPart: (request: SeriesRequest) => Promise<SeriesResponse>,
    private readonly options: SchedulerOptions = DEFAULT_SCHEDULER_OPTIONS,
  ) {}

  /** The series of `request.keys` for its runs; dropped while queued if `signal` aborts. */
  load(request: PanelRequest, signal?: AbortSignal): Promise<SeriesResponse> {
    return new Promise<SeriesResponse>((resolve, reject) => {
      const entry: Entry = { request, group: groupOf(request), resolve, reject };
      this.pending.push(entry);
      signal?.addEventListener("abort", () => {
        const at = this.pending.indexOf(entry);
        if (at >= 0) {
          this.pending.splice(at, 1);
          reject(signal.reason ?? new DOMException("aborted", "AbortError"));
        }
      });
      this.schedule();
    });
  }

  /** Waits a tick so that panels drawn together are asked for together. */
  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setTimeout(() => {
      this.scheduled = false;
      this.pump();
    }, 0);
  }

  private pump(): void {
    while (this.pending.length > 0) {
      const batch = this.nextBatch();
      if (!batch) return;
      this.run(batch);
    }
  }

  /** The most important request and the compatible ones that fit with it, or null to wait. */
  private nextBatch(): { entries: Entry[]; request: SeriesRequest; pairs: number } | null {
    this.pending.sort((a, b) => a.request.priority - b.request.priority);
    const head = this.pending[0];
    if (!head) return null;
    const runs = head.request.runIds.length;
    const fits = (keyCount: number) =>
      this.started ? keyCount <= this.options.maxBatchKeys : keyCount * runs <= this.options.firstPairs;
    const keys = new Set(head.request.keys);
    const entries = [head];
    for (const entry of this.pending.slice(1)) {
      if (entry.group !== head.group) continue;
      const merged = new Set([...keys, ...entry.request.keys]);
      if (!fits(merged.size)) continue;
      for (const k of entry.request.keys) keys.add(k);
      entries.push(entry);
    }
    const pairs = keys.size * runs;
    if (this.inFlight > 0 && this.inFlightPairs + pairs > this.options.maxInFlightPairs) return null;
    this.pending = this.pending.filter((e) => !entries.includes(e));
    const r = head.request;
    return {
      entries,
      pairs,
      request: { run_ids: [...r.runIds], keys: [...keys], x: r.x, max_points: r.maxPoints, x_min: r.xMin, x_max: r.xMax },
    };
  }

  private run(batch: { entries: Entry[]; request: SeriesRequest; pairs: number }): void {
    this.started = true;
    this.inFlight += 1;
    this.inFlightPairs += batch.pairs;
    const finish = () => {
      this.inFlight -= 1;
      this.inFlightPairs -= batch.pairs;
      this.pump();
      if (this.inFlight === 0 && this.pending.length === 0) this.started = false;
    };
    // Parts of an oversized request go one after another: the server serves them no faster at once.
    const parts = splitRequest(batch.request, this.options.maxPairs);
    (async () => {
      const answers: SeriesResponse[] = [];
      for (const part of parts) answers.push(await this.fetchPart(part));
      return answers;
    })()
      .then((answers) => {
        const series = answers.flatMap((a) => a.series);
        const x = answers[0]?.x ?? batch.request.x ?? "_step";
        for (const entry of batch.entries) {
          const wanted = new Set(entry.request.keys);
          entry.resolve({ x, series: series.filter((s) => wanted.has(s.key)) });
        }
      })
      .catch((error: unknown) => {
        for (const entry of batch.entries) entry.reject(error);
      })
      .finally(finish);
  }
}
