// How each data column of the runs table reads a run: label, width, alignment and cell.
import type { ReactNode } from "react";
import type { RunRow } from "../../../api/types";
import { StatePill } from "../../../components/StatePill";
import { TagChips } from "../../../components/TagChips";
import { exactValue, formatValue, isNonFinite, isNumeric } from "../../../lib/format";
import { scoreLabel, scoreLevel } from "../../../lib/reproScore";
import { absoluteTime, duration, relativeTime } from "../../../lib/time";
import { META_LABELS, parseColumnId } from "../state/columnIds";

export interface DataColumn {
  id: string;
  section: "run" | "config" | "summary";
  label: string;
  size: number;
  numeric: boolean;
  render: (run: RunRow, now: number) => ReactNode;
  title: (run: RunRow) => string | undefined;
}

const META_SIZES: Record<string, number> = { state: 82, created_at: 76, runtime: 72, tags: 112, notes: 200 };

export function dataColumn(id: string): DataColumn | null {
  const ref = parseColumnId(id);
  if (!ref || ref.kind === "name") return null;
  if (ref.kind === "config" || ref.kind === "summary") {
    const isSummary = ref.kind === "summary";
    const read = (run: RunRow) => (isSummary ? run.summary[ref.key] : run.config[ref.key]);
    return {
      id,
      section: ref.kind,
      label: ref.key,
      size: 92,
      numeric: true,
      render: (run) => {
        const value = read(run);
        const text = formatValue(value, isSummary);
        let className = isNumeric(value, isSummary) ? "cell-num" : value === undefined ? "cell-missing" : "";
        if (isSummary && isNonFinite(value)) className += " cell-nonfinite";
        return <span className={className}>{text}</span>;
      },
      title: (run) => (read(run) === undefined ? undefined : exactValue(read(run))),
    };
  }
  const field = ref.field;
  const base = { id, section: "run" as const, label: META_LABELS[field], size: META_SIZES[field] ?? 110 };
  switch (field) {
    case "state":
      return { ...base, numeric: false, render: (run) => <StatePill state={run.state} />, title: () => undefined };
    case "created_at":
      return {
        ...base,
        numeric: false,
        render: (run, now) => relativeTime(run.created_at, now),
        title: (run) => absoluteTime(run.created_at),
      };
    case "runtime":
      return {
        ...base,
        numeric: true,
        render: (run) => <span className="cell-num">{duration(run.runtime)}</span>,
        title: (run) => `${run.runtime.toFixed(1)} s`,
      };
    case "repro_score":
      return {
        ...base,
        size: 70,
        numeric: false,
        render: (run) => (
          <span className={`score-badge score-${scoreLevel(run.repro_score)}`} data-testid="repro-badge">
            {scoreLabel(run.repro_score)}
          </span>
        ),
        title: (run) =>
          run.repro_score === null || run.repro_score === undefined
            ? "nothing captured"
            : `reproducibility score ${run.repro_score}%`,
      };
    case "tags":
      return { ...base, numeric: false, render: (run) => <TagChips tags={run.tags} />, title: (run) => run.tags.join(", ") };
    default:
      return {
        ...base,
        numeric: false,
        render: (run) => run[field] ?? <span className="cell-missing">—</span>,
        title: (run) => run[field] ?? undefined,
      };
  }
}
