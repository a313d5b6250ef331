// The Reproducibility tab: checklist and score, git details, the diff, packages, the command and
// the `cairn reproduce` command, and this run's reproductions with their verdict per metric.
import { useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { api } from "../../../api/client";
import type { RunDetail } from "../../../api/types";
import { paletteColor, runColor } from "../../../lib/colors";
import { scoreLabel, scoreLevel } from "../../../lib/reproScore";
import { type ChartRun, PanelGrid } from "../../charts/PanelGrid";
import { CopyButton } from "./CopyButton";
import { DiffViewer } from "./DiffViewer";
import { VerdictTable } from "./VerdictTable";

function Packages({ packages }: { packages: Record<string, { version?: string }> }) {
  const [search, setSearch] = useState("");
  const rows = useMemo(
    () =>
      Object.entries(packages)
        .filter(([name]) => name.toLowerCase().includes(search.toLowerCase()))
        .sort(([a], [b]) => a.localeCompare(b)),
    [packages, search],
  );
  return (
    <section className="card repro-card" data-testid="repro-packages">
      <h3>
        Packages <span className="muted">({Object.keys(packages).length})</span>
      </h3>
      <input
        className="input"
        placeholder="Search packages"
        value={search}
        onChange={(e) => setSearch(e.target.value)}
        data-testid="package-search"
      />
      <div className="package-list">
        <table className="kv-table">
          <tbody>
            {rows.map(([name, info]) => (
              <tr key={name}>
                <td>{name}</td>
                <td className="mono">{info?.version ?? ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** Files the capture kept out because they look like credentials: left out of the code snapshot
 * (`code.snapshot.secrets_skipped`, path → reason) or redacted in the git diff
 * (`git.diff_redacted`, path → kinds). */
export function secretsKeptOut(capture: Record<string, unknown>): [string, string][] {
  const rows = new Map<string, string>();
  const code = capture.code as { snapshot?: { secrets_skipped?: Record<string, string> } } | undefined;
  for (const [path, why] of Object.entries(code?.snapshot?.secrets_skipped ?? {})) rows.set(path, `left out: ${why}`);
  const git = capture.git as { diff_redacted?: Record<string, string[] | string> } | undefined;
  for (const [path, kinds] of Object.entries(git?.diff_redacted ?? {})) {
    const text = `redacted in the diff: ${Array.isArray(kinds) ? kinds.join(", ") : String(kinds)}`;
    rows.set(path, rows.has(path) ? `${rows.get(path)}; ${text}` : text);
  }
  return [...rows.entries()].sort(([a], [b]) => a.localeCompare(b));
}

/** The original first, then every run that reproduced it (each in its own colour). */
function overlaidRuns(run: RunDetail, reproRuns: string[]): ChartRun[] {
  const original: ChartRun = { id: run.id, name: `${run.name} (original)`, color: runColor(run), group: null };
  const copies = reproRuns.map((id, i): ChartRun => ({
    id,
    name: `reproduction ${i + 1} (${id})`,
    color: paletteColor(run.number + i),
    group: null,
  }));
  return [original, ...copies];
}

export function ReproducibilityTab({ run }: { run: RunDetail }) {
  const capture = useQuery({
    queryKey: ["capture", run.project, run.id],
    queryFn: () => api.capture(run.project, run.id),
  });
  const repros = useQuery({
    queryKey: ["reproductions", run.project, run.id],
    queryFn: () => api.reproductions(run.project, run.id),
  });
  const reproRuns = useMemo(
    () => [...new Set((repros.data?.reproductions ?? []).flatMap((r) => r.runs))].filter((id) => id !== run.id),
    [repros.data, run.id],
  );
  const curveRuns = useMemo(() => overlaidRuns(run, reproRuns), [run, reproRuns]);
  if (capture.isPending) return <div className="muted">Loading capture…</div>;
  if (capture.isError) return <div className="muted">Could not load the capture: {capture.error.message}</div>;
  const { checklist, score, reproduce_command } = capture.data;
  const c = capture.data.capture;
  const git = c.git ?? {};
  const command = c.command ?? {};
  const packages = c.environment?.packages ?? {};
  const keptOut = secretsKeptOut(c);
  return (
    <div className="repro-tab" data-testid="repro-tab">
      <section className="card repro-card" data-testid="repro-checklist">
        <h3>
          Checklist{" "}
          <span className={`score-badge score-${scoreLevel(score)}`} data-testid="repro-score">
            {scoreLabel(score)}
          </span>
        </h3>
        <ul className="checklist">
          {checklist.map((item) => (
            <li key={item.id} data-testid={`check-${item.id}`}>
              <span className={`check ${item.ok === null ? "check-na" : item.ok ? "check-ok" : "check-no"}`}>
                {item.ok === null ? "–" : item.ok ? "✓" : "✗"}
              </span>
              {item.label} <span className="muted">{item.detail}</span>
            </li>
          ))}
        </ul>
      </section>
      <section className="card repro-card" data-testid="repro-commands">
        <h3>Reproduce</h3>
        <div className="cmd-row">
          <code data-testid="reproduce-command">{reproduce_command}</code>
          <CopyButton text={reproduce_command} testId="copy-reproduce" />
        </div>
        {command.command_line && (
          <>
            <h4>Command</h4>
            <div className="cmd-row">
              <code data-testid="run-command">{command.command_line}</code>
              <CopyButton text={command.command_line} testId="copy-command" />
            </div>
            {command.cwd && <div className="muted">in {command.cwd}</div>}
          </>
        )}
      </section>
      <section className="card repro-card repro-wide" data-testid="repro-git">
        <h3>Git</h3>
        {git.commit ? (
          <table className="kv-table">
            <tbody>
              <tr>
                <td>Remote</td>
                <td className="mono">{git.remote?.url ?? "–"}</td>
              </tr>
              <tr>
                <td>Branch</td>
                <td className="mono">{git.branch ?? "–"}</td>
              </tr>
              <tr>
                <td>Commit</td>
                <td className="mono">{git.commit}</td>
              </tr>
              <tr>
                <td>Dirty</td>
                <td>{git.dirty ? "yes" : "no"}</td>
              </tr>
              {git.untracked?.length ? (
                <tr>
                  <td>Untracked</td>
                  <td className="mono">{git.untracked.join(", ")}</td>
                </tr>
              ) : null}
            </tbody>
          </table>
        ) : (
          <div className="muted">No git repository captured.</div>
        )}
        {keptOut.length > 0 && (
          <div className="repro-secrets" data-testid="repro-secrets">
            <h4>Kept out as secrets ({keptOut.length})</h4>
            <div className="muted">
              Left out of the snapshot or redacted in the diff because they look like credentials; a
              reproduction needs them from elsewhere.
            </div>
            <table className="kv-table">
              <tbody>
                {keptOut.map(([path, why]) => (
                  <tr key={path}>
                    <td className="mono">{path}</td>
                    <td className="muted">{why}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {git.diff ? (
          <>
            <h4>Diff{git.diff_truncated ? " (cut: too large)" : ""}</h4>
            <DiffViewer diff={git.diff} />
          </>
        ) : null}
      </section>
      <Packages packages={packages} />
      <section className="card repro-card repro-wide" data-testid="repro-reproductions">
        <h3>Reproductions</h3>
        {!repros.data?.reproductions.length ? (
          <div className="muted">Not reproduced yet.</div>
        ) : (
          repros.data.reproductions.map((r) => <VerdictTable key={r.id} reproduction={r} />)
        )}
      </section>
      {reproRuns.length > 0 && (
        <section className="card repro-card repro-wide" data-testid="repro-curves">
          <h3>Curves: original and reproductions</h3>
          <PanelGrid project={run.project} runs={curveRuns} grouped={false} workspaceKey="reproduction" />
        </section>
      )}
    </div>
  );
}
