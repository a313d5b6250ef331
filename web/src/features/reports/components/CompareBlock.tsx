// A report's compare panel: the runs side by side in the compare page's own tables (DiffSection),
// from the cells the server read now (or froze): config, summary and the runs' capture facts, rows
// that differ marked, and with "differences only" (the default) only those.
import type { JSX } from "react";
import { DiffSection, tableView } from "../../compare/components/DiffSection";
import type { DiffColumn } from "../../compare/components/DiffTable";
import { diffRows } from "../../compare/state/diff";
import type { PanelBlock, PanelData, PanelRun } from "../api";
import { COMPARE_SECTIONS, sectionRecord } from "../lib/compareCells";

interface CompareBlockProps {
  panel: PanelBlock;
  data: PanelData;
  colorOf: (run: PanelRun) => string;
}

export function CompareBlock({ panel, data, colorOf }: CompareBlockProps): JSX.Element {
  const runs: DiffColumn[] = data.runs.map((r) => ({ ref: r.id, id: r.id, name: r.name, color: colorOf(r), place: null }));
  const hideEqual = panel.differences_only !== false && runs.length > 1;
  if (runs.length === 0) {
    return (
      <div className="muted rp-chart-empty" data-testid="panel-no-runs">
        No run matches this panel.
      </div>
    );
  }
  return (
    <div className="compare-tables rp-compare" data-testid="panel-compare" data-only-differences={hideEqual}>
      {COMPARE_SECTIONS.map(({ prefix, title, noun }) => {
        const rows = diffRows(data.runs.map((r) => sectionRecord(r.values, prefix, panel.keys)));
        if (rows.length === 0) return null;
        return (
          <DiffSection
            key={prefix}
            title={title}
            testId={`compare-${prefix.slice(0, -1)}`}
            runs={runs}
            view={tableView(rows, hideEqual, "")}
            total={rows.length}
            summary={prefix === "summary."}
            noun={noun}
            hideEqual={hideEqual}
            onRemove={null}
            goals={[]}
          />
        );
      })}
    </div>
  );
}
