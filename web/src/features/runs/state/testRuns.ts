// A RunRow for unit tests: every field at a neutral default, overridden by `fields`.
import type { RunRow } from "../../../api/types";

export function makeRun(fields: Partial<RunRow> = {}): RunRow {
  return {
    id: Math.random().toString(36).slice(2),
    project: "p",
    name: "r",
    state: "finished",
    created_at: 0,
    updated_at: 0,
    heartbeat_at: 0,
    finished_at: null,
    runtime: 1,
    tags: [],
    notes: null,
    group: null,
    job_type: null,
    host: null,
    history_rows: 0,
    last_step: null,
    number: 1,
    config: {},
    summary: {},
    ...fields,
  };
}
