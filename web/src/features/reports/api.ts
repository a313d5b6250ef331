// The reports API: types mirror src/cairn/server/routes/reports.py; fetches throw ApiRequestError.
import { request } from "../../api/client";
import type { ImportanceResponse, JsonValue, Reproduction } from "../../api/types";
import type { ImageMeta, PlotSpec } from "../media/api";

export const PANEL_KINDS = ["line", "scatter", "bar", "scalar", "table", "parallel", "importance", "verdict", "image", "compare", "plot"] as const;
/** Panels of a sweep's analysis: config keys, then the target summary metric last. */
export const ANALYSIS_KINDS: readonly PanelKind[] = ["parallel", "importance"];
export type PanelKind = (typeof PANEL_KINDS)[number];

export interface MarkdownBlock {
  kind: "markdown";
  text: string;
}

export interface PanelBlock {
  kind: PanelKind;
  keys: string[];
  runs?: string | null;
  title?: string | null;
  group_by?: string | null;
  /** how a numeric group_by key is binned, as the workspace writes it ("quantile-4", "auto-4"); null or "values": exact values */
  group_bins?: string | null;
  frozen?: boolean;
  /** line panels: the smoothing weight (0 none, up to 0.99), as the workspace's */
  smoothing?: number;
  log_x?: boolean;
  log_y?: boolean;
  /** parallel coordinates: which end of the metric is better (null: from its name) */
  goal?: "minimize" | "maximize" | null;
  /** a verdict, image or plot panel: its run's id */
  run?: string | null;
  /** an image or plot panel: the step of the value shown (null: the last one logged) */
  step?: number | null;
  /** a compare panel: only the rows where the runs differ (default true, as the compare page) */
  differences_only?: boolean;
  /** a frozen panel's data, as the server stored it (sent back untouched) */
  data?: JsonValue;
}

/** An image uploaded into the report (kind "picture": "image" is the image panel). */
export interface PictureBlock {
  kind: "picture";
  /** the image's sha256, as the upload answered */
  blob: string;
  media_type: string;
  width: number;
  height: number;
  caption?: string;
  alt?: string;
}

/** References in BibTeX, cited from Markdown blocks as [@key]. */
export interface BibtexBlock {
  kind: "bibtex";
  text: string;
}

/** The blocks whose text the server renders: what a preview sends to number the citations. */
export type TextBlock = MarkdownBlock | BibtexBlock;

export type Block = MarkdownBlock | BibtexBlock | PanelBlock | PictureBlock;

/** Whether `block` is a panel this dashboard draws (a newer Cairn may store other kinds). */
export function isPanel(block: Block): block is PanelBlock {
  return (PANEL_KINDS as readonly string[]).includes(block.kind);
}

export interface ReportSummary {
  id: string;
  project: string;
  title: string;
  description: string;
  author: string | null;
  created_at: number;
  updated_at: number;
  version: number;
}

export interface ReportDocument extends ReportSummary {
  shown_version: number;
  /** the shown version's title and description (null: saved before Cairn recorded them) */
  shown_title: string | null;
  shown_description: string | null;
  blocks: Block[];
  /** per block: the server's sanitized HTML of a Markdown block, else null */
  html: (string | null)[];
}

export interface VersionInfo {
  version: number;
  author: string | null;
  created_at: number;
  block_count: number;
  /** the title it was saved with (null: saved before Cairn recorded titles) */
  title: string | null;
}

/** One block's difference between two versions (the server's `diff_blocks`). */
export interface BlockChange {
  change: "added" | "removed" | "moved" | "changed";
  old_index: number | null;
  new_index: number | null;
  old: Block | null;
  new: Block | null;
  /** a changed block: each field that differs */
  fields: { field: string; old: JsonValue; new: JsonValue }[];
  /** a changed Markdown or BibTeX block: its lines, each same, added or removed */
  lines: { op: "same" | "added" | "removed"; text: string }[] | null;
}

/** The title or description going from `old` to `new` between two versions. */
export interface TextChange {
  old: string;
  new: string;
}

export interface VersionDiff {
  a: number;
  b: number;
  changes: BlockChange[];
  /** null: the same in both, or a version saved before Cairn recorded it */
  title: TextChange | null;
  description: TextChange | null;
}

export interface PanelLine {
  key: string;
  x: number[];
  y: (number | null)[];
  nonfinite: { index: number[]; kind: ("nan" | "inf" | "-inf")[] };
}

export interface PanelRun {
  id: string;
  name: string;
  /** the run's number in the project, which gives its colour (null: the run is gone) */
  number: number | null;
  group: JsonValue;
  values: Record<string, JsonValue>;
  series: PanelLine[];
}

export interface PanelData {
  frozen: boolean;
  taken_at: number;
  runs: PanelRun[];
  /** an importance panel: its parameters' importance over these runs */
  importance?: ImportanceResponse | null;
  /** an image panel: the image at its step, its metadata as the media route gives it */
  image?: { step: number; meta: ImageMeta } | null;
  /** a plot panel: the cairn.plot chart at its step, its table's rows as columns (at most 5,000 of `rows`) */
  plot?: PlotData | null;
  /** why the panel shows nothing, when the server can say */
  note?: string | null;
  /** a verdict panel: its run's latest reproduction (null: none) */
  verdict?: Pick<Reproduction, "verdict" | "created_at" | "runs" | "metrics"> | null;
}

/** A logged `cairn.plot` chart as a plot panel keeps it (src/cairn/reports/blocks.py PlotData). */
export interface PlotData {
  step: number;
  spec: PlotSpec;
  columns: string[];
  data: Record<string, unknown[]>;
  /** the rows the run logged (more than `data` holds when the panel cut them) */
  rows: number;
}

const enc = encodeURIComponent;
const base = (project: string) => `/projects/${enc(project)}/reports`;
const post = (body: unknown): RequestInit => ({ method: "POST", body: JSON.stringify(body) });

/** The URL of an image uploaded into `project`'s reports (readers of the project may fetch it). */
export function imageUrl(project: string, blob: string): string {
  return `/api/v1${base(project)}/images/${enc(blob)}`;
}

export const reportsApi = {
  list: (project: string) => request<ReportSummary[]>(base(project)),
  create: (project: string, title: string, blocks: Block[] = []) =>
    request<ReportDocument>(base(project), post({ title, blocks })),
  fromTemplate: (project: string, title: string, runs: string[]) =>
    request<ReportDocument>(`${base(project)}/templates/reproducibility`, post({ title, runs })),
  get: (project: string, id: string, version: number | null = null) =>
    request<ReportDocument>(`${base(project)}/${enc(id)}${version === null ? "" : `?version=${version}`}`),
  save: (project: string, id: string, body: { base_version: number; blocks: Block[]; title: string }) =>
    request<ReportDocument>(`${base(project)}/${enc(id)}`, { method: "PUT", body: JSON.stringify(body) }),
  versions: (project: string, id: string) => request<VersionInfo[]>(`${base(project)}/${enc(id)}/versions`),
  diff: (project: string, id: string, a: number, b: number) =>
    request<VersionDiff>(`${base(project)}/${enc(id)}/diff?a=${a}&b=${b}`),
  restore: (project: string, id: string, version: number, baseVersion: number) =>
    request<ReportDocument>(`${base(project)}/${enc(id)}/versions/${version}/restore`, post({ base_version: baseVersion })),
  /** A Markdown or BibTeX block as the page shows it; `report`: the report's text blocks, so
   * citations are numbered as the saved page numbers them. */
  markdown: (project: string, text: string, kind: TextBlock["kind"] = "markdown", report: TextBlock[] = []) =>
    request<{ html: string }>(`${base(project)}/render/markdown`, post({ text, kind, report })),
  panel: (project: string, panel: PanelBlock) => request<PanelData>(`${base(project)}/render/panel`, post({ panel })),
  /** The file's bytes as the body: the server tells PNG, JPEG, GIF and WebP by them (413/415/422 otherwise). */
  uploadImage: (project: string, file: Blob) =>
    request<Pick<PictureBlock, "blob" | "media_type" | "width" | "height">>(`${base(project)}/images`, { method: "POST", body: file }),
};
