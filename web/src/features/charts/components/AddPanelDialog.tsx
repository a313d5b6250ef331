// "+ Add panel": a kind (Line, Scatter, Bar, Scalar) and its fields. Line panels pick metric keys;
// the others pick run values (config.*, summary.*), offered only where the page has them.
import { type JSX, useState } from "react";
import type { ValueRun } from "../lib/runValues";
import type { PanelKind, PanelSpec } from "../state/layout";
import { KeyPicker } from "./KeyPicker";
import { ValuePanelForm } from "./ValuePanelForm";

export interface AddPanelDialogProps {
  title: string;
  metricKeys: readonly string[];
  /** numeric run value keys; none: only line panels are offered */
  valueKeys: readonly string[];
  valueRuns: readonly ValueRun[];
  onAdd: (spec: PanelSpec) => void;
  onCancel: () => void;
}

const KIND_LABELS: Record<PanelKind, string> = { line: "Line", scatter: "Scatter", bar: "Bar", scalar: "Scalar" };

export function AddPanelDialog(props: AddPanelDialogProps): JSX.Element {
  const [kind, setKind] = useState<PanelKind>("line");
  const kinds: PanelKind[] = props.valueRuns.length > 0 ? ["line", "scatter", "bar", "scalar"] : ["line"];
  const tabs =
    kinds.length > 1 ? (
      <div className="cc-kind-tabs" role="tablist" aria-label="Panel kind">
        {kinds.map((k) => (
          <button
            key={k}
            type="button"
            role="tab"
            aria-selected={kind === k}
            className={`cc-kind-tab${kind === k ? " cc-active" : ""}`}
            data-testid={`panel-kind-${k}`}
            onClick={() => setKind(k)}
          >
            {KIND_LABELS[k]}
          </button>
        ))}
      </div>
    ) : undefined;
  if (kind === "line") {
    return (
      <KeyPicker
        keys={props.metricKeys}
        title={props.title}
        confirmLabel="Add panel"
        header={tabs}
        onCancel={props.onCancel}
        onConfirm={(keys) => props.onAdd({ keys })}
      />
    );
  }
  return (
    <ValuePanelForm
      key={kind}
      kind={kind}
      keys={props.valueKeys}
      runs={props.valueRuns}
      title={props.title}
      confirmLabel="Add panel"
      header={tabs}
      onCancel={props.onCancel}
      onConfirm={props.onAdd}
    />
  );
}
