// Column ids of the runs table, as they appear in the URL: "state", "config.lr", "summary.val/acc".

export const META_FIELDS = [
  "state",
  "created_at",
  "runtime",
  "tags",
  "group",
  "job_type",
  "host",
  "notes",
  "repro_score",
] as const;
export type MetaField = (typeof META_FIELDS)[number];

export const META_LABELS: Record<MetaField, string> = {
  state: "State",
  created_at: "Created",
  runtime: "Runtime",
  tags: "Tags",
  group: "Group",
  job_type: "Job type",
  host: "Host",
  notes: "Notes",
  repro_score: "Repro",
};

/** Meta columns shown when the URL names no columns. */
export const DEFAULT_META: MetaField[] = ["state", "created_at", "runtime", "tags", "repro_score"];

export type ColumnRef =
  | { kind: "name" }
  | { kind: "meta"; field: MetaField }
  | { kind: "config"; key: string }
  | { kind: "summary"; key: string };

export function columnId(ref: ColumnRef): string {
  switch (ref.kind) {
    case "name":
      return "name";
    case "meta":
      return ref.field;
    case "config":
      return `config.${ref.key}`;
    case "summary":
      return `summary.${ref.key}`;
  }
}

/** The column an id names, or null for an id this version does not know. */
export function parseColumnId(id: string): ColumnRef | null {
  if (id === "name") return { kind: "name" };
  if ((META_FIELDS as readonly string[]).includes(id)) return { kind: "meta", field: id as MetaField };
  if (id.startsWith("config.") && id.length > 7) return { kind: "config", key: id.slice(7) };
  if (id.startsWith("summary.") && id.length > 8) return { kind: "summary", key: id.slice(8) };
  return null;
}

/**
 * The default data columns: the meta columns, then up to 4 config and 4 summary keys. Config keys
 * whose values differ between the loaded runs come first (a constant batch size tells nothing), and
 * validation/test metrics lead the summary keys, as they are what runs are judged by.
 */
export function defaultColumns(
  config: string[],
  summary: string[],
  runs: readonly { config: Record<string, unknown> }[] = [],
): string[] {
  const varies = (key: string) => new Set(runs.map((run) => JSON.stringify(run.config[key] ?? null))).size > 1;
  const configKeys = [...config.filter(varies), ...config.filter((key) => !varies(key))];
  const metrics = summary.filter((key) => !key.startsWith("_"));
  const judged = (key: string) => /^(val|valid|validation|eval|test)[/_.]/i.test(key);
  const summaryKeys = [...metrics.filter(judged), ...metrics.filter((key) => !judged(key))];
  return [
    ...DEFAULT_META,
    ...configKeys.slice(0, 4).map((key) => `config.${key}`),
    ...(summaryKeys.length ? summaryKeys : summary).slice(0, 4).map((key) => `summary.${key}`),
  ];
}
