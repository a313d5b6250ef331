import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { RunDetail, RunEdit } from "../../../api/types";
import { StatePill } from "../../../components/StatePill";
import { Swatch } from "../../../components/Swatch";
import { runColor } from "../../../lib/colors";
import { absoluteTime, duration, relativeTime } from "../../../lib/time";
import { useNow } from "../../../lib/useNow";
import { saveRunEdit } from "../state/queries";
import { EditableName } from "./EditableName";
import { NotesEditor } from "./NotesEditor";
import { TagEditor } from "./TagEditor";

export function RunHeader({ run }: { run: RunDetail }) {
  const client = useQueryClient();
  const now = useNow();
  const edit = useMutation({ mutationFn: (change: RunEdit) => saveRunEdit(client, run.project, run.id, change) });
  const pending = edit.isPending ? edit.variables : undefined;

  return (
    <header className="run-header" data-testid="run-header">
      <div className="run-title-row">
        <Swatch color={runColor(run)} title={run.id} />
        <EditableName
          name={pending?.name ?? run.name}
          saving={pending?.name !== undefined}
          onSave={(name) => edit.mutate({ name })}
        />
        <StatePill state={run.state} />
        <span className="run-meta" title={`runtime ${run.runtime.toFixed(1)} s`}>
          {duration(run.runtime)}
        </span>
        <span className="run-meta muted" title={absoluteTime(run.created_at)}>
          created {relativeTime(run.created_at, now)}
        </span>
        <span className="run-meta muted mono">{run.id}</span>
      </div>
      <TagEditor tags={pending?.tags ?? run.tags} onChange={(tags) => edit.mutate({ tags })} />
      <NotesEditor
        notes={run.notes ?? ""}
        saving={pending?.notes !== undefined}
        onSave={(notes) => edit.mutate({ notes })}
      />
      {edit.isError && (
        <div className="error-text" role="alert">
          Could not save: {edit.error.message}
        </div>
      )}
    </header>
  );
}
