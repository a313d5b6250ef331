// A report: read mode (Markdown rendered by the server, panels drawn live or from their frozen
// data) and, with ?edit=1, the editor (blocks edited, added, moved, removed; autosave; Ctrl/Cmd+S;
// Ctrl/Cmd+Z undoes block operations). ?version=n shows an older version, read-only; ?compare=m
// shows what changed between it (or the latest) and version m, block by block.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { type JSX, useCallback, useEffect, useState } from "react";
import { useParams, useSearchParams } from "react-router-dom";
import { api } from "../../api/client";
import { absoluteTime, relativeTime } from "../../lib/time";
import { useNow } from "../../lib/useNow";
import { type Block, isPanel, type PictureBlock, type ReportDocument, reportsApi } from "./api";
import { BibtexEditor } from "./components/BibtexEditor";
import { MarkdownBlockView } from "./components/MarkdownBlockView";
import { MarkdownEditor } from "./components/MarkdownEditor";
import { PanelForm } from "./components/PanelForm";
import { PanelView } from "./components/PanelView";
import { AddImageButton, PictureEditor, PictureView, useImageUpload } from "./components/PictureBlock";
import { VersionDiffView } from "./components/VersionDiffView";
import { VersionsList } from "./components/VersionsList";
import { addBlock, changeBlock, isShortcut, isTextEntry, moveBlock, removeBlock, setTitle, statusText, undo } from "./lib/editor";
import { reportQuery } from "./queries";
import { useReportEditor } from "./useReportEditor";
import "./reports.css";

/** A block of a kind this dashboard does not show (written by a newer Cairn): kept as it is. */
function OtherBlock({ block }: { block: Block }): JSX.Element {
  return <div className="muted small">A “{block.kind}” block: this dashboard does not show it yet (it is kept as it is).</div>;
}

function ReadBlock({ project, block, html }: { project: string; block: Block; html: string | null }): JSX.Element {
  if (block.kind === "markdown") return <MarkdownBlockView html={html ?? ""} />;
  if (block.kind === "picture") return <PictureView project={project} block={block} />;
  // a BibTeX block: the server gives its references, numbered as the citations are
  if (!isPanel(block)) return html !== null ? <MarkdownBlockView html={html} /> : <OtherBlock block={block} />;
  return <PanelView project={project} panel={block} />;
}

function Meta({ doc }: { doc: ReportDocument }): JSX.Element {
  const now = useNow();
  return (
    <span className="muted rp-meta">
      {doc.author ? `${doc.author} · ` : ""}
      <span title={absoluteTime(doc.updated_at)}>updated {relativeTime(doc.updated_at, now)}</span> · v{doc.version}
    </span>
  );
}

function useSuggestions(project: string): string[] {
  const metrics = useQuery({ queryKey: ["metric-keys", project, null], queryFn: () => api.metricKeys(project, null) });
  const columns = useQuery({ queryKey: ["columns", project], queryFn: () => api.columns(project) });
  return [
    ...(metrics.data?.keys ?? []),
    ...(columns.data?.config ?? []).map((k) => `config.${k}`),
    ...(columns.data?.summary ?? []).map((k) => `summary.${k}`),
  ];
}

interface EditorProps {
  project: string;
  doc: ReportDocument;
  onDone: () => void;
  onShowVersion: (version: number | null) => void;
}

function Editor({ project, doc, onDone, onShowVersion }: EditorProps): JSX.Element {
  const editor = useReportEditor(project, doc);
  const { state, status } = editor;
  const suggestions = useSuggestions(project);
  const [adding, setAdding] = useState(false);
  const [editingPanel, setEditingPanel] = useState<string | null>(null);
  const queryClient = useQueryClient();
  const [restoreError, setRestoreError] = useState<string | null>(null);
  const { update } = editor;
  const addPicture = useCallback((picture: PictureBlock) => update((s) => addBlock(s, picture)), [update]);
  const images = useImageUpload(project, addPicture);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (isShortcut(event, "s")) {
        event.preventDefault();
        editor.saveNow();
      } else if (isShortcut(event, "z") && !event.shiftKey && !isTextEntry(event.target)) {
        event.preventDefault();
        editor.update(undo);
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [editor]);

  // What a text block's preview needs to number citations: the references, and the Markdown up
  // to it (a key's number is the order of its first citation, so later blocks cannot change it;
  // typing in one block does not render the blocks above it again).
  const citationContext = (upTo: number) =>
    state.blocks.flatMap(({ block }, j) => (block.kind === "bibtex" || (block.kind === "markdown" && j <= upTo) ? [block] : []));
  const dirty = status.kind !== "saved";
  const restore = async (version: number) => {
    setRestoreError(null);
    try {
      const restored = await reportsApi.restore(project, doc.id, version, editor.baseVersion);
      queryClient.setQueryData(["report", project, doc.id, null], restored);
      void queryClient.invalidateQueries({ queryKey: ["report-versions", project, doc.id] });
      editor.reset(restored);
    } catch (error) {
      setRestoreError(error instanceof Error ? error.message : String(error));
    }
  };

  return (
    <div className="page rp-report rp-editing" data-testid="report-editor">
      <div className="rp-head">
        <input
          className="rp-title-input"
          value={state.title}
          aria-label="Title"
          data-testid="report-title-input"
          onChange={(e) => editor.update((s) => setTitle(s, e.target.value))}
        />
        <span className={`rp-status rp-status-${status.kind}`} data-testid="save-status" role="status">
          {statusText(status)}
        </span>
        <span className="spacer" />
        <button type="button" className="button" onClick={editor.saveNow} disabled={!dirty || status.kind === "saving"} title="Ctrl/Cmd+S">
          Save
        </button>
        <button type="button" className="button" onClick={() => editor.update(undo)} disabled={state.past.length === 0} title="Ctrl/Cmd+Z outside a text box" data-testid="undo">
          Undo
        </button>
        <button type="button" className="button button-primary" onClick={onDone} disabled={dirty} title={dirty ? "Save first" : "Read mode"} data-testid="done-editing">
          Done
        </button>
      </div>
      {status.kind === "conflict" && (
        <div className="rp-banner rp-banner-danger" data-testid="conflict">
          <div>
            <strong>Not saved:</strong> {status.message}
          </div>
          <div className="rp-banner-actions">
            <button type="button" className="button button-primary" onClick={() => void editor.saveOnTop()} data-testid="save-on-top">
              Save mine as the newest version
            </button>
            <button
              type="button"
              className="button button-danger"
              onClick={async () => {
                if (!window.confirm("Drop your unsaved changes and load the newest version?")) return;
                editor.reset(await reportsApi.get(project, doc.id));
              }}
            >
              Drop mine, load theirs
            </button>
          </div>
        </div>
      )}
      {(status.kind === "invalid" || status.kind === "error") && (
        <div className="rp-banner rp-banner-danger" data-testid="save-error">
          {status.message}
        </div>
      )}
      {restoreError && <div className="rp-banner rp-banner-danger">{restoreError}</div>}
      <div className="rp-body">
        <div className="rp-blocks" onDropCapture={images.onDrop} onDragOver={images.onDragOver} onPasteCapture={images.onPaste}>
          {state.blocks.length === 0 && <div className="muted rp-empty-doc">An empty report: add a Markdown block, a panel or an image below.</div>}
          {state.blocks.map(({ uid, block }, index) => (
            <section key={uid} className="rp-block rp-block-edit" data-testid="block" data-kind={block.kind}>
              <div className="rp-block-bar">
                <span className="muted small">{block.kind === "markdown" ? "Markdown" : block.kind === "bibtex" ? "BibTeX references" : block.kind === "picture" ? "Image" : isPanel(block) ? `Panel · ${block.kind}` : (block as { kind: string }).kind}</span>
                <span className="spacer" />
                {block.kind !== "markdown" && isPanel(block) && (
                  <button type="button" className="link-button" onClick={() => setEditingPanel(editingPanel === uid ? null : uid)} data-testid="block-edit-panel">
                    Settings
                  </button>
                )}
                <button type="button" className="icon-button" aria-label="Move up" title="Move up" disabled={index === 0} onClick={() => editor.update((s) => moveBlock(s, index, -1))} data-testid="block-up">
                  ↑
                </button>
                <button
                  type="button"
                  className="icon-button"
                  aria-label="Move down"
                  title="Move down"
                  disabled={index === state.blocks.length - 1}
                  onClick={() => editor.update((s) => moveBlock(s, index, 1))}
                  data-testid="block-down"
                >
                  ↓
                </button>
                <button type="button" className="icon-button" aria-label="Remove block" title="Remove (Ctrl/Cmd+Z brings it back)" onClick={() => editor.update((s) => removeBlock(s, index))} data-testid="block-remove">
                  ✕
                </button>
              </div>
              {block.kind === "markdown" ? (
                <MarkdownEditor
                  project={project}
                  text={block.text}
                  label={`Markdown block ${index + 1}`}
                  report={citationContext(index)}
                  onChange={(text) => editor.update((s) => changeBlock(s, index, { kind: "markdown", text }))}
                />
              ) : block.kind === "bibtex" ? (
                <BibtexEditor
                  project={project}
                  text={block.text}
                  label={`BibTeX block ${index + 1}`}
                  report={citationContext(state.blocks.length)}
                  onChange={(text) => editor.update((s) => changeBlock(s, index, { kind: "bibtex", text }))}
                />
              ) : block.kind === "picture" ? (
                <PictureEditor project={project} block={block} onChange={(picture) => editor.update((s) => changeBlock(s, index, picture))} />
              ) : !isPanel(block) ? (
                <OtherBlock block={block} />
              ) : (
                <>
                  {editingPanel === uid && (
                    <PanelForm
                      project={project}
                      initial={block}
                      suggestions={suggestions}
                      submitLabel="Apply"
                      onCancel={() => setEditingPanel(null)}
                      onSubmit={(panel) => {
                        editor.update((s) => changeBlock(s, index, panel));
                        setEditingPanel(null);
                      }}
                    />
                  )}
                  <PanelView project={project} panel={block} />
                </>
              )}
            </section>
          ))}
          <div className="rp-add" data-testid="add-bar">
            <button type="button" className="button" onClick={() => editor.update((s) => addBlock(s, { kind: "markdown", text: "" }))} data-testid="add-markdown">
              + Markdown
            </button>
            <button type="button" className="button" onClick={() => setAdding(!adding)} data-testid="add-panel">
              + Panel
            </button>
            <AddImageButton uploader={images} />
            <button
              type="button"
              className="button"
              onClick={() => editor.update((s) => addBlock(s, { kind: "bibtex", text: "" }))}
              title="BibTeX entries, cited from Markdown as [@key]"
              data-testid="add-bibtex"
            >
              + References
            </button>
          </div>
          {adding && (
            <PanelForm
              project={project}
              suggestions={suggestions}
              submitLabel="Add panel"
              onCancel={() => setAdding(false)}
              onSubmit={(panel) => {
                editor.update((s) => addBlock(s, panel));
                setAdding(false);
              }}
            />
          )}
        </div>
        <VersionsList
          project={project}
          reportId={doc.id}
          latest={editor.baseVersion}
          shown={editor.baseVersion}
          restoreBlocked={dirty ? "Save or undo your changes first" : null}
          onShow={(v) => {
            if (!dirty) onShowVersion(v);
          }}
          onRestore={(v) => void restore(v)}
        />
      </div>
    </div>
  );
}

export function ReportPage(): JSX.Element {
  const params = useParams();
  const project = params.project ?? "";
  const reportId = params.reportId ?? "";
  const [search, setSearch] = useSearchParams();
  const versionParam = search.get("version");
  const version = versionParam !== null && /^\d+$/.test(versionParam) ? Number(versionParam) : null;
  const editing = search.get("edit") === "1" && version === null;
  const compareParam = search.get("compare");
  const compare = compareParam !== null && /^\d+$/.test(compareParam) ? Number(compareParam) : null;
  const report = useQuery({ ...reportQuery(project, reportId, version), refetchOnWindowFocus: !editing });
  const queryClient = useQueryClient();
  const [restoreError, setRestoreError] = useState<string | null>(null);

  if (report.isPending) return <div className="page-message muted">Loading report…</div>;
  if (report.isError) return <div className="page-message error-text">{report.error.message}</div>;
  const doc = report.data;
  const go = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(search);
    for (const [k, v] of Object.entries(changes)) {
      if (v === null) next.delete(k);
      else next.set(k, v);
    }
    setSearch(next);
  };
  if (editing) return (
      <Editor key={doc.id} project={project} doc={doc} onDone={() => go({ edit: null })} onShowVersion={(v) => go({ edit: null, version: v === null ? null : String(v) })} />
    );

  const restore = async (v: number) => {
    setRestoreError(null);
    try {
      const restored = await reportsApi.restore(project, reportId, v, doc.version);
      queryClient.setQueryData(["report", project, reportId, null], restored);
      void queryClient.invalidateQueries({ queryKey: ["report-versions", project, reportId] });
      go({ version: null });
    } catch (error) {
      setRestoreError(error instanceof Error ? error.message : String(error));
    }
  };

  return (
    <div className="page rp-report" data-testid="report-view">
      <div className="rp-head">
        <h1 className="rp-title" data-testid="report-title">
          {doc.shown_title ?? doc.title}
        </h1>
        <Meta doc={doc} />
        <span className="spacer" />
        {version === null && (
          <button type="button" className="button button-primary" onClick={() => go({ edit: "1", compare: null })} data-testid="edit-report">
            Edit
          </button>
        )}
      </div>
      {(doc.shown_description ?? doc.description) && <p className="muted rp-description">{doc.shown_description ?? doc.description}</p>}
      {version !== null && (
        <div className="rp-banner" data-testid="old-version">
          Viewing v{doc.shown_version} of v{doc.version}, read-only.
          {doc.shown_title === null && " It was saved before Cairn versioned titles: the title and description shown are the current ones."}
          <button type="button" className="link-button" onClick={() => go({ version: null })}>
            Back to the latest
          </button>
        </div>
      )}
      {restoreError && <div className="rp-banner rp-banner-danger">{restoreError}</div>}
      <div className="rp-body">
        {compare !== null && compare !== doc.shown_version ? (
          <VersionDiffView
            project={project}
            reportId={reportId}
            a={Math.min(compare, doc.shown_version)}
            b={Math.max(compare, doc.shown_version)}
            onClose={() => go({ compare: null })}
          />
        ) : (
          <article className="rp-blocks" data-testid="report-blocks">
            {doc.blocks.length === 0 && <div className="muted rp-empty-doc">This report has no blocks yet.</div>}
            {doc.blocks.map((block, i) => (
              <section key={`${doc.shown_version}-${i}`} className="rp-block" data-testid="block" data-kind={block.kind}>
                <ReadBlock project={project} block={block} html={doc.html[i] ?? null} />
              </section>
            ))}
          </article>
        )}
        <VersionsList
          project={project}
          reportId={reportId}
          latest={doc.version}
          shown={doc.shown_version}
          restoreBlocked={null}
          onShow={(v) => go({ version: v === null ? null : String(v), compare: null })}
          onRestore={(v) => void restore(v)}
          onCompare={(v) => go({ compare: String(v) })}
        />
      </div>
    </div>
  );
}
