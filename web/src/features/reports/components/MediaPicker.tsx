// An image or plot panel's run and media key, picked from lists: the project's runs (newest first),
// then the keys that run logged of the panel's kind. A run or key typed elsewhere (an older report)
// stays picked even when the lists do not hold it.
import { useQuery } from "@tanstack/react-query";
import type { JSX } from "react";
import { api } from "../../../api/client";
import { mediaApi } from "../../media/api";

/** Runs offered in the list, newest first. */
export const MAX_PICKED_RUNS = 200;

interface MediaPickerProps {
  project: string;
  kind: "image" | "plot";
  run: string;
  mediaKey: string;
  onRun: (run: string) => void;
  onKey: (key: string) => void;
}

export function MediaPicker({ project, kind, run, mediaKey, onRun, onKey }: MediaPickerProps): JSX.Element {
  const runs = useQuery({
    queryKey: ["picker-runs", project],
    queryFn: () => api.runs(project, { limit: MAX_PICKED_RUNS }),
  });
  const keys = useQuery({
    queryKey: ["media-keys", project, run],
    queryFn: () => mediaApi.keys(project, [run]),
    enabled: run !== "",
  });
  const runList = runs.data?.runs ?? [];
  const keyList = (keys.data?.keys ?? []).filter((k) => k.kind === kind).map((k) => k.key);
  return (
    <>
      <label>
        Run
        <select value={run} onChange={(e) => onRun(e.target.value)} data-testid="panel-run">
          <option value="">{runs.isPending ? "Loading…" : "Pick a run"}</option>
          {run && !runList.some((r) => r.id === run) && <option value={run}>{run}</option>}
          {runList.map((r) => (
            <option key={r.id} value={r.id}>
              {r.name} ({r.id})
            </option>
          ))}
        </select>
      </label>
      <label>
        {kind === "plot" ? "Chart" : "Image"}
        <select value={mediaKey} onChange={(e) => onKey(e.target.value)} data-testid="panel-media-key" disabled={run === ""}>
          <option value="">{run === "" ? "Pick a run first" : keyList.length || keys.isPending ? `Pick a ${kind === "plot" ? "chart" : "key"}` : `This run logged no ${kind === "plot" ? "cairn.plot chart" : "image"}`}</option>
          {mediaKey && !keyList.includes(mediaKey) && <option value={mediaKey}>{mediaKey}</option>}
          {keyList.map((k) => (
            <option key={k} value={k}>
              {k}
            </option>
          ))}
        </select>
      </label>
    </>
  );
}
