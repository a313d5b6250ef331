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

/** Meta columns shown when the URL names no columns: state first, the rest after the data columns. */
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
 * The columns shown when the URL names none: the state, then the data columns the server chose over
 * the whole project (cairn.store.columns.default_columns, the rule `cairn runs ls` uses too: the
 * swept config keys, then the main metrics), then the other meta columns. The swept keys come before
 * Created/Tags so a narrow window shows them without scrolling; the set does not change as a filter
 * narrows the rows.
 */
export function defaultColumns(defaults: readonly string[]): string[] {
  const [first, ...rest] = DEFAULT_META;
  return [first as MetaField, ...defaults.filter((id) => parseColumnId(id) !== null), ...rest];
}
