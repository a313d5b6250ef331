// The JSON of the artifact endpoints; keep in step with src/cairn/server/artifact_schemas.py.

export interface ArtifactRow {
  name: string;
  type: string;
  versions: number;
  latest: number | null;
  size: number;
  updated_at: number;
}

export interface RunRef {
  id: string;
  name: string | null;
}

export interface VersionRow {
  id: number;
  name: string;
  type: string;
  version: number;
  digest: string;
  description: string | null;
  metadata: Record<string, unknown>;
  size: number;
  file_count: number;
  producer: RunRef | null;
  created_at: number;
  aliases: string[];
}

export interface FileEntry {
  path: string;
  size: number;
  sha256?: string | null;
  ref?: string | null;
  etag?: string | null;
}

export interface VersionDetail extends VersionRow {
  files: FileEntry[];
  logged_by: RunRef[];
  used_by: RunRef[];
}

export interface RunArtifacts {
  logged: VersionRow[];
  used: VersionRow[];
}

export interface Preview {
  kind: "text" | "table" | "image" | "binary";
  text: string | null;
  columns: string[] | null;
  rows: unknown[][] | null;
  total_rows: number | null;
  truncated: boolean;
}

export interface LineageNode {
  id: string;
  kind: "run" | "version";
  label: string;
  sublabel: string;
  layer: number;
  run_id: string | null;
  artifact: string | null;
  version: number | null;
}

export interface LineageEdge {
  source: string;
  target: string;
  kind: "produced" | "used";
}

export interface Lineage {
  nodes: LineageNode[];
  edges: LineageEdge[];
}
