// The media API (server/routes/media.py): keys, values by step, blobs, table pages, histograms.
import { request } from "../../api/client";

const BASE = "/api/v1";
const enc = encodeURIComponent;

export type MediaKind =
  | "image"
  | "histogram"
  | "table"
  | "plot"
  | "text"
  | "html"
  | "audio"
  | "video"
  | "object3d";

export interface MediaKey {
  key: string;
  kind: MediaKind;
  count: number;
  runs: string[];
}

export interface Box {
  minX: number;
  maxX: number;
  minY: number;
  maxY: number;
  class_id?: number;
  caption?: string;
  scores?: Record<string, number>;
}

export interface BoxSet {
  class_labels: Record<string, string>;
  boxes: Box[];
}

export interface MaskSet {
  blob: string;
  class_labels: Record<string, string>;
}

export interface ImageMeta {
  blob: string;
  width: number;
  height: number;
  format: string;
  caption?: string;
  masks?: Record<string, MaskSet>;
  boxes?: Record<string, BoxSet>;
}

export interface MediaValue {
  step: number;
  seq: number;
  ts: number;
  kind: MediaKind;
  blob: string | null;
  meta: Record<string, unknown>;
}

export interface RunMedia {
  run_id: string;
  values: MediaValue[];
}

export interface TablePage {
  step: number;
  total: number;
  matched: number;
  offset: number;
  columns: string[];
  types: Record<string, string>;
  data: Record<string, unknown[]>;
  groups: { value: unknown; count: number }[] | null;
  spec: PlotSpec | null;
}

export interface PlotSpec {
  type: string;
  title?: string | null;
  x?: string;
  y?: string;
  label?: string;
  value?: string;
  series?: string;
  actual?: string;
  predicted?: string;
  count?: string;
  classes?: string[];
}

export interface HistogramSeries {
  steps: number[];
  edges: number[];
  counts: number[][];
  nan: number[];
}

/** Several runs' histograms of one key on the bin edges they all share. */
export interface RunsHistograms {
  key: string;
  edges: number[];
  runs: { run_id: string; steps: number[]; counts: number[][]; nan: number[] }[];
}

export interface TableQuery {
  key: string;
  step?: number;
  filter?: string;
  sort?: string;
  desc?: boolean;
  group?: string;
  offset?: number;
  limit?: number;
  joinRun?: string;
  on?: string;
}

export const blobUrl = (digest: string): string => `${BASE}/blobs/${digest}`;

export const mediaApi = {
  keys: (project: string, runIds: string[]) =>
    request<{ keys: MediaKey[] }>(`/projects/${enc(project)}/media-keys`, {
      method: "POST",
      body: JSON.stringify({ run_ids: runIds }),
    }),
  values: (project: string, runIds: string[], key: string) =>
    request<{ key: string; runs: RunMedia[] }>(`/projects/${enc(project)}/media`, {
      method: "POST",
      body: JSON.stringify({ run_ids: runIds, key }),
    }),
  table: (project: string, runId: string, q: TableQuery) => {
    const params = new URLSearchParams({ key: q.key });
    if (q.step !== undefined) params.set("step", String(q.step));
    if (q.filter) params.set("filter", q.filter);
    if (q.sort) params.set("sort", q.sort);
    if (q.desc) params.set("desc", "true");
    if (q.group) params.set("group", q.group);
    if (q.offset) params.set("offset", String(q.offset));
    if (q.limit) params.set("limit", String(q.limit));
    if (q.joinRun && q.on) {
      params.set("join_run", q.joinRun);
      params.set("on", q.on);
    }
    return request<TablePage>(`/projects/${enc(project)}/runs/${enc(runId)}/media/table?${params}`);
  },
  histograms: (project: string, runIds: string[], key: string, bins = 48) =>
    request<RunsHistograms>(`/projects/${enc(project)}/media/histograms`, {
      method: "POST",
      body: JSON.stringify({ run_ids: runIds, key, bins }),
    }),
};
