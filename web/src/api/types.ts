// The JSON API under /api/v1, as the server sends it. Keep in step with src/cairn/server/schemas.py.

export type RunState = "running" | "finished" | "failed" | "crashed";

/** A JSON value in config or summary. Non-finite summary floats arrive as "NaN", "Infinity", "-Infinity". */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export interface Project {
  name: string;
  run_count: number;
  created_at: number; // unix seconds
  last_activity: number | null;
}

/** One row of the runs table. config is flattened with "." (model.width); summary keys as logged. */
export interface RunRow {
  id: string;
  project: string;
  name: string;
  state: RunState;
  created_at: number;
  updated_at: number;
  heartbeat_at: number;
  finished_at: number | null;
  runtime: number; // seconds
  tags: string[];
  notes: string | null;
  group: string | null;
  job_type: string | null;
  host: string | null;
  history_rows: number;
  last_step: number | null;
  number: number; // rank by creation within the project (1, 2, …): the run's colour
  config: Record<string, JsonValue>;
  summary: Record<string, JsonValue>;
  repro_score?: number | null; // reproducibility score 0–100; null when nothing was captured
}

export interface RunPage {
  total: number; // runs matching the filter and search
  offset: number;
  limit: number;
  runs: RunRow[];
}

/** GET /projects/{p}/runs/{id}: config nested as logged, plus what the run page shows. */
/** One define_metric rule: keys matching the glob `name` summarize as `summary`. */
export interface MetricDef {
  name: string;
  summary: "min" | "max" | "mean" | "first" | "last" | "none";
  step_metric: string | null;
}

export interface RunDetail extends Omit<RunRow, "config"> {
  config: Record<string, JsonValue>;
  exit_code: number | null;
  error: string | null;
  program: string | null;
  metric_keys: string[];
  /** define_metric rules in the order recorded (the latest matching glob wins) */
  metric_defs?: MetricDef[];
  /** the sweep whose trial this run is */
  sweep_id?: string | null;
  /** media keys the run logged (the Media tab shows when there are any) */
  media_count?: number;
}

export interface Columns {
  config: string[]; // flattened config paths present in any run of the project
  summary: string[]; // summary keys present in any run of the project
  /** the default data columns as column ids, chosen by the server over all the project's runs */
  defaults: string[];
}

export type XAxis = "_step" | "_runtime" | "_timestamp" | string;

export interface SeriesRequest {
  run_ids: string[];
  keys: string[];
  x?: XAxis; // default "_step"
  max_points?: number; // default 1500, at most 10000
  x_min?: number | null;
  x_max?: number | null;
}

/** One (run, key) line. y is null where the value is non-finite; nonfinite says which. */
export interface Series {
  run_id: string;
  key: string;
  x: number[];
  y: (number | null)[];
  nonfinite: { index: number[]; kind: ("nan" | "inf" | "-inf")[] };
}

export interface SeriesResponse {
  x: XAxis;
  series: Series[];
}

export interface RunEdit {
  name?: string;
  notes?: string;
  tags?: string[];
}

/** A saved workspace layout (panels, sections, ...): the web app owns its shape. */
export type Workspace = { [key: string]: JsonValue };

/** A named, shared layout of a project's dashboard (its document: `api.workspace(project, name)`). */
export interface SavedView {
  name: string;
  is_default: boolean;
  updated_at: number;
}

/** Every 4xx: detail is a message; a filter error also gives the position. */
export interface ApiError {
  detail: string | { message: string; position?: number };
}

/** GET /projects/{p}/runs/{id}/capture */
export interface ChecklistItem {
  id: string;
  label: string;
  ok: boolean | null; // null: not judged yet, left out of the score
  detail: string;
}

export interface CaptureResponse {
  capture: Record<string, any>; // git, code, environment, command, seeds, config_sources
  checklist: ChecklistItem[];
  score: number | null;
  reproduce_command: string;
}

/** GET /projects/{p}/runs/{id}/console */
export interface ConsoleLine {
  number: number;
  ts: number;
  stream: "stdout" | "stderr" | string;
  text: string;
}

export interface ConsolePage {
  total: number;
  lines: ConsoleLine[];
}

/** GET /projects/{p}/runs/{id}/reproductions */
/** One summary metric of a reproduction: the original against the reproductions' values. */
export interface ReproductionMetric {
  key: string;
  original: JsonValue;
  values: JsonValue[]; // one per reproduction run (null where missing)
  mean: number | null;
  std: number | null;
  abs_diff: number | null;
  rel_diff: number | null;
  status: string; // exact | within rtol | within spread | differs | missing
}

export interface Reproduction {
  id: number;
  created_at: number;
  verdict: string;
  runs: string[]; // the reproduction runs' ids, in the same project
  metrics: ReproductionMetric[];
}

/** POST /projects/{p}/importance: which config parameters matter for a summary metric. */
export interface ImportanceRequest {
  metric: string;
  run_ids?: string[] | null; // these runs (or filter; neither: every run of the project)
  filter?: string | null;
  params?: string[] | null; // flattened config keys; null: the ones that vary
}

export interface ParameterImportance {
  name: string;
  importance: number; // share of the explained variance, 0..1
  correlation: number | null; // Pearson r with the metric; null for categoricals
  kind: "numeric" | "categorical";
}

export interface ImportanceResponse {
  metric: string;
  runs: number; // runs with a finite value of the metric
  parameters: ParameterImportance[]; // most important first
  note: string | null; // why there are no numbers (too few runs, ...)
}

/** Who the dashboard is signed in as (GET /auth/me). */
export interface Me {
  /** false on `cairn ui`: no accounts, everything allowed */
  accounts: boolean;
  user: string | null;
  is_admin: boolean;
}
