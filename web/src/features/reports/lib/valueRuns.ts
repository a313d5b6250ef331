// A panel's runs as the workspace's value panels take them (config and summary by key), so the
// report draws bars and scatters with the workspace's own chart options.
import type { JsonValue } from "../../../api/types";
import type { ValueRun } from "../../charts/lib/runValues";
import type { PanelRun } from "../api";

export function valueRuns(runs: readonly PanelRun[], colorOf: (run: PanelRun) => string): ValueRun[] {
  return runs.map((run) => {
    const config: Record<string, JsonValue> = {};
    const summary: Record<string, JsonValue> = {};
    for (const [key, value] of Object.entries(run.values)) {
      if (key.startsWith("config.")) config[key.slice("config.".length)] = value;
      else if (key.startsWith("summary.")) summary[key.slice("summary.".length)] = value;
    }
    const group = run.group === null || run.group === undefined ? null : String(run.group);
    return { id: run.id, name: run.name, color: colorOf(run), group, created_at: 0, config, summary };
  });
}
