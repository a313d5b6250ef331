// The sweeps API: types mirror src/cairn/server/routes/sweeps.py; fetches throw ApiRequestError.
import { request } from "../../api/client";
import type { JsonValue, RunPage } from "../../api/types";

export type SweepState = "running" | "paused" | "stopped" | "cancelled" | "finished";
export type SweepAction = "pause" | "resume" | "stop" | "cancel";
/** crashed: its agent died while it ran (the server derives it from the run's heartbeat). */
export type TrialStatus = "running" | "finished" | "failed" | "stopped" | "killed" | "crashed";
export type Goal = "minimize" | "maximize";

export interface SweepMetric {
  name: string;
  goal: Goal;
  target: number | null;
}

export interface SweepBest {
  run_id: string;
  trial: number;
  value: number;
  params: Record<string, JsonValue>;
}

export interface Sweep {
  id: string;
  project: string;
  name: string;
  method: "grid" | "random" | "bayes";
  state: SweepState;
  created_at: number;
  updated_at: number;
  metric: SweepMetric | null;
  run_cap: number | null;
  grid_size: number | null;
  trial_count: number;
  counts: Partial<Record<TrialStatus, number>>;
  best: SweepBest | null;
}

export interface Trial {
  number: number;
  run_id: string;
  status: TrialStatus;
  run_state: string | null;
  params: Record<string, JsonValue>;
  value: number | null;
  agent: string;
  claimed_at: number;
  ended_at: number | null;
  note: string | null;
}

export interface SweepDetail extends Sweep {
  config: Record<string, JsonValue>;
  trials: Trial[];
}

const enc = encodeURIComponent;

export const sweepsApi = {
  list: (project: string) => request<Sweep[]>(`/projects/${enc(project)}/sweeps`),
  get: (project: string, id: string) => request<SweepDetail>(`/projects/${enc(project)}/sweeps/${enc(id)}`),
  runs: (project: string, id: string) =>
    request<RunPage>(`/projects/${enc(project)}/sweeps/${enc(id)}/runs?limit=1000`),
  act: (project: string, id: string, action: SweepAction) =>
    request<SweepDetail>(`/projects/${enc(project)}/sweeps/${enc(id)}/state`, {
      method: "POST",
      body: JSON.stringify({ action }),
    }),
};
