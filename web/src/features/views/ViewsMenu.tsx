// The workspace's saved views: which one is open, and Save as / Rename / Set as default / Delete.
// A view holds the layout (panels, sections, run colours) and is shared in the project; edits to
// the open view's layout are saved into it as they happen. Smoothing, axes and collapsed sections
// are each viewer's own (personalState.ts), so opening or editing a view never changes them.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { type JSX, useCallback, useState } from "react";
import { ApiRequestError, api } from "../../api/client";
import type { SavedView, Workspace } from "../../api/types";
import { Popover } from "../../components/Popover";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { flushLayoutSaves, workspaceQueryKey } from "../charts/state/useChartsLayout";
import { RUN_COLORS_KEY } from "../../lib/useRunColorOverrides";
import { NameDialog } from "./NameDialog";
import { useOpenSavedView, useSavedViewName } from "./savedView";

/** The name a project's first view gets when its layout is first saved (the store's DEFAULT_NAME). */
const FIRST_VIEW = "Default";

type Dialog = { kind: "save-as" } | { kind: "rename" } | { kind: "delete" } | null;

function message(error: unknown): string {
  return error instanceof Error ? error.message : "the request failed";
}

export function ViewsMenu({ project }: { project: string }): JSX.Element {
  const client = useQueryClient();
  const asked = useSavedViewName();
  const openView = useOpenSavedView();
  const views = useQuery({ queryKey: ["views", project], queryFn: () => api.views(project) });
  const list = views.data ?? [];
  const defaultView = list.find((v) => v.is_default);
  const current: SavedView | undefined = asked === null ? defaultView : list.find((v) => v.name === asked);
  const currentName = asked ?? defaultView?.name ?? FIRST_VIEW;
  const [dialog, setDialog] = useState<Dialog>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const close = useCallback(() => {
    setDialog(null);
    setError(null);
  }, []);
  const refresh = useCallback(async () => {
    await client.invalidateQueries({ queryKey: ["views", project] });
    await client.invalidateQueries({ queryKey: ["charts-workspace", project] });
    await client.invalidateQueries({ queryKey: ["run-colors", project] });
  }, [client, project]);
  /** Runs `work`; a failure is shown in the name dialog (kept open to try another name) or, for the
   * other actions, beside the menu. */
  const act = useCallback(
    async (work: () => Promise<void>, keepDialog = false) => {
      setBusy(true);
      setError(null);
      try {
        await flushLayoutSaves(); // edits land in the view they were made in
        await work();
        setDialog(null);
        await refresh();
      } catch (e) {
        setError(message(e));
        if (!keepDialog) setDialog(null);
      } finally {
        setBusy(false);
      }
    },
    [refresh],
  );

  /** The open view's document as this page has it: the layout edits not yet saved included. */
  const currentDocument = useCallback(async (): Promise<Workspace> => {
    let stored: Workspace = {};
    try {
      stored = await api.workspace(project, asked);
    } catch (e) {
      if (!(e instanceof ApiRequestError && e.status === 404)) throw e;
    }
    const edited = client.getQueryData<Workspace>(workspaceQueryKey(project, asked)) ?? {};
    const colors = client.getQueryData<Workspace[string]>(["run-colors", project, asked]);
    return { ...stored, ...edited, ...(colors ? { [RUN_COLORS_KEY]: colors } : {}) };
  }, [client, project, asked]);

  const saveAs = (name: string) =>
    act(async () => {
      const document = await currentDocument();
      // The layout shown before any was saved becomes the default view, kept beside the new one.
      if (list.length === 0) await api.saveWorkspace(project, document);
      const created = await api.createView(project, name, document);
      openView(created.name);
    }, true);
  const switchTo = (view: SavedView) =>
    void flushLayoutSaves().then(() => openView(view.is_default ? null : view.name));
  const rename = (name: string) =>
    act(async () => {
      const renamed = await api.changeView(project, currentName, { name });
      if (asked !== null) openView(renamed.name);
    }, true);
  const remove = () =>
    act(async () => {
      await api.deleteView(project, currentName);
      openView(null);
    });
  const makeDefault = () => act(async () => void (await api.changeView(project, currentName, { default: true })));

  const exists = current !== undefined;
  return (
    <div className="views-menu" data-testid="views-menu" data-view={currentName}>
      <Popover
        label={
          <>
            <span className="cc-muted">View</span> <strong data-testid="view-name">{currentName}</strong> ▾
          </>
        }
        title="Saved views: layouts shared in this project"
        testId="views-menu-button"
        className="button views-button"
        align="right"
      >
        {(closePopover) => (
          <div className="menu-list views-list" role="menu">
            <div className="menu-heading">Saved views</div>
            {list.length === 0 && <div className="cc-muted menu-note">None saved yet: the layout is saved as “{FIRST_VIEW}” once you change it.</div>}
            {list.map((v) => (
              <button
                key={v.name}
                type="button"
                role="menuitemradio"
                aria-checked={v.name === current?.name}
                data-testid="view-item"
                data-name={v.name}
                title={v.name}
                onClick={() => {
                  closePopover();
                  switchTo(v);
                }}
              >
                <span className="views-check">{v.name === current?.name ? "✓" : ""}</span>
                <span className="views-item-name">{v.name}</span>
                {v.is_default && <span className="cc-muted views-default">default</span>}
              </button>
            ))}
            <div className="menu-separator" />
            <button type="button" role="menuitem" data-testid="save-view-as" onClick={() => (closePopover(), setDialog({ kind: "save-as" }))}>
              Save as new view…
            </button>
            <button type="button" role="menuitem" data-testid="rename-view" disabled={!exists} onClick={() => (closePopover(), setDialog({ kind: "rename" }))}>
              Rename…
            </button>
            <button
              type="button"
              role="menuitem"
              data-testid="default-view"
              disabled={!exists || current?.is_default}
              onClick={() => (closePopover(), void makeDefault())}
            >
              Set as default
            </button>
            <button
              type="button"
              role="menuitem"
              data-testid="delete-view"
              disabled={!exists || current?.is_default}
              title={current?.is_default ? "The default view cannot be deleted: make another view the default first" : undefined}
              onClick={() => (closePopover(), setDialog({ kind: "delete" }))}
            >
              Delete…
            </button>
          </div>
        )}
      </Popover>
      {error && !dialog && (
        <span className="cc-error views-error" role="alert" data-testid="view-error">
          {error}
        </span>
      )}
      {dialog?.kind === "save-as" && (
        <NameDialog title="Save as a new view" initial={`${currentName} copy`} submitLabel="Save" error={error} busy={busy} onSubmit={saveAs} onCancel={close} />
      )}
      {dialog?.kind === "rename" && (
        <NameDialog title={`Rename “${currentName}”`} initial={currentName} submitLabel="Rename" error={error} busy={busy} onSubmit={rename} onCancel={close} />
      )}
      {dialog?.kind === "delete" && (
        <ConfirmDialog
          title={`Delete the view “${currentName}”?`}
          message="Everyone in the project loses this layout. Runs and their data are not touched."
          confirmLabel="Delete view"
          cancelLabel="Keep it"
          danger
          busy={busy}
          onConfirm={() => void remove()}
          onCancel={close}
        />
      )}
    </div>
  );
}
