// A logged table: virtualized rows fetched a page at a time; sort by clicking a header; a filter in
// the runs filter language, evaluated on the server (`score > 0.5 and label ~ "cat"`); group by a
// column; image cells as thumbnails; the run whose table it is named and switched; the same key of
// another run joined side by side.
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { useVirtualizer } from "@tanstack/react-virtual";
import { type JSX, useCallback, useEffect, useRef, useState } from "react";
import { api } from "../../../api/client";
import { useDebounced } from "../../../lib/useDebounced";
import { blobUrl, mediaApi } from "../api";
import { type Cell, cellText, filterPlaceholder, loadedRows, splitJoined, viewRows } from "../lib/tableRows";
import type { MediaRun } from "../lib/runChoice";
import { Lightbox } from "./Lightbox";
import { RunTag } from "./RunChooser";

const PAGE = 500;
const ROW_H = 36;
const IMAGE_ROW_H = 60; // rows of a table with images: thumbnails big enough to see

interface Enlarged {
  blob: string;
  title: string;
}

function CellView({ value, type, title, onOpen }: { value: Cell; type: string | undefined; title: string; onOpen: (e: Enlarged) => void }): JSX.Element {
  if (value && typeof value === "object" && "_type" in value && "blob" in value) {
    const media = value as { _type: string; blob: string };
    if (media._type === "image")
      return (
        <button type="button" className="md-thumb-button" title="Click to enlarge" aria-label={`Enlarge ${title}`} onClick={() => onOpen({ blob: media.blob, title })}>
          <img className="md-thumb" src={blobUrl(media.blob)} alt="" loading="lazy" />
        </button>
      );
    return <span className="muted">{media._type}</span>;
  }
  return <span className={type === "number" ? "md-num" : undefined}>{cellText(value)}</span>;
}

export function TableViewer({
  project,
  runs,
  mediaKey,
}: {
  project: string;
  /** the runs that logged the table, in table order: it shows the first one's until another is picked */
  runs: readonly MediaRun[];
  mediaKey: string;
}): JSX.Element {
  const [picked, setPicked] = useState<string | null>(null);
  const run = runs.find((r) => r.id === picked) ?? runs[0];
  const runId = run?.id ?? "";
  const [filterText, setFilterText] = useState("");
  const filter = useDebounced(filterText, 300);
  const [sort, setSort] = useState<{ column: string; desc: boolean } | null>(null);
  const [group, setGroup] = useState<string | null>(null);
  const [joinRun, setJoinRun] = useState<string>("");
  const [on, setOn] = useState<string>("");
  const joined = joinRun !== "" && on !== "";
  const [step, setStep] = useState<number | undefined>(undefined);
  const [enlarged, setEnlarged] = useState<Enlarged | null>(null);
  const closeEnlarged = useCallback(() => setEnlarged(null), []);
  const versions = useQuery({
    queryKey: ["media", project, [runId], mediaKey],
    queryFn: () => mediaApi.values(project, [runId], mediaKey),
    enabled: runId !== "",
  });
  const steps = [...new Set((versions.data?.runs[0]?.values ?? []).map((v) => v.step))].sort((a, b) => b - a);
  const query = useInfiniteQuery({
    queryKey: ["table", project, runId, mediaKey, step, filter, sort, group, joined ? joinRun : "", joined ? on : ""],
    queryFn: ({ pageParam }) =>
      mediaApi.table(project, runId, {
        key: mediaKey,
        step,
        filter,
        sort: sort?.column,
        desc: sort?.desc,
        group: group ?? undefined,
        offset: pageParam,
        limit: PAGE,
        joinRun: joined ? joinRun : undefined,
        on: joined ? on : undefined,
      }),
    initialPageParam: 0,
    enabled: runId !== "",
    getNextPageParam: (last) => {
      const n = last.data[last.columns[0] ?? ""]?.length ?? 0;
      return last.offset + n < last.matched ? last.offset + n : undefined;
    },
    placeholderData: (previous) => previous,
  });
  const others = useQuery({ queryKey: ["runs", project, "join"], queryFn: () => api.runs(project, { limit: 200 }) });
  const pages = query.data?.pages ?? [];
  const first = pages[0];
  const columns = (first?.columns ?? []).filter((c) => c !== "_row");
  const rows = viewRows(pages, group);
  const hasImages = columns.some((c) => first?.types[c] === "image");
  const rowH = hasImages ? IMAGE_ROW_H : ROW_H;
  const twoLineHead = columns.some((c) => splitJoined(c).run !== null);
  const firstRow = rows.find((r) => r.kind === "row");
  const placeholder = filterPlaceholder(columns, first?.types ?? {}, firstRow?.kind === "row" ? firstRow.cells : undefined);
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: rows.length, getScrollElement: () => scroller.current, estimateSize: () => rowH, overscan: 12 });
  useEffect(() => virtualizer.measure(), [rowH, virtualizer]);
  const items = virtualizer.getVirtualItems();
  const lastIndex = items[items.length - 1]?.index ?? 0;
  useEffect(() => {
    if (query.hasNextPage && !query.isFetchingNextPage && lastIndex >= rows.length - 20) void query.fetchNextPage();
  }, [lastIndex, rows.length, query]);

  const onHeader = (column: string) =>
    setSort((s) => (s?.column !== column ? { column, desc: false } : s.desc ? null : { column, desc: true }));
  const template = `56px repeat(${Math.max(columns.length, 1)}, minmax(90px, 1fr))`;

  return (
    <div className="cc-panel md-panel" data-w="3" data-testid="table-panel" data-key={mediaKey}>
      <div className="cc-panel-head">
        <h4 className="cc-panel-title">{mediaKey}</h4>
        {run && <RunTag run={run} />}
        {first && (
          <span className="md-note" data-testid="table-count">
            {first.matched === first.total ? `${first.total} rows` : `${first.matched} of ${first.total} rows`} · step {first.step}
          </span>
        )}
      </div>
      <div className="md-table-tools">
        {runs.length > 1 && (
          <label>
            run{" "}
            <select
              value={runId}
              onChange={(e) => {
                setPicked(e.target.value);
                setStep(undefined);
                if (e.target.value === joinRun) setJoinRun("");
              }}
              aria-label={`Run of ${mediaKey}`}
              data-testid="table-run"
              title={`${runs.length} runs the table shows logged ${mediaKey}`}
            >
              {runs.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.name}
                </option>
              ))}
            </select>
          </label>
        )}
        {steps.length > 0 && (
          <label>
            step{" "}
            <select
              value={step ?? ""}
              onChange={(e) => setStep(e.target.value === "" ? undefined : Number(e.target.value))}
              aria-label="Table step"
              data-testid="table-step"
              disabled={steps.length < 2}
              title={steps.length < 2 ? "This table was logged at one step" : `Logged at ${steps.length} steps`}
            >
              <option value="">latest ({steps[0]})</option>
              {steps.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </label>
        )}
        <input
          className="md-filter mono"
          placeholder={placeholder}
          value={filterText}
          onChange={(e) => setFilterText(e.target.value)}
          aria-label={`Filter ${mediaKey}`}
          spellCheck={false}
        />
        <label>
          group by{" "}
          <select value={group ?? ""} onChange={(e) => setGroup(e.target.value || null)} aria-label="Group by">
            <option value="">none</option>
            {columns.map((c) => (
              <option key={c}>{c}</option>
            ))}
          </select>
        </label>
        <label>
          join{" "}
          <select value={joinRun} onChange={(e) => setJoinRun(e.target.value)} aria-label="Join with run">
            <option value="">no other run</option>
            {(others.data?.runs ?? [])
              .filter((r) => r.id !== runId)
              .map((r) => (
                <option key={r.id} value={r.id}>
                  {r.name}
                </option>
              ))}
          </select>
        </label>
        {joinRun && (
          <label>
            on{" "}
            <select value={on} onChange={(e) => setOn(e.target.value)} aria-label="Join on column">
              <option value="">column…</option>
              {(joined ? [on] : columns).map((c) => (
                <option key={c}>{c}</option>
              ))}
            </select>
          </label>
        )}
      </div>
      {query.error && <div className="md-error error-text" data-testid="table-error">{query.error.message}</div>}
      <div className="md-table" ref={scroller}>
        <div className={`md-row md-head${twoLineHead ? " md-head-joined" : ""}`} style={{ gridTemplateColumns: template }}>
          <div className="md-cell muted">#</div>
          {columns.map((c) => {
            const { name, run } = splitJoined(c);
            return (
              <button
                key={c}
                type="button"
                className="md-cell md-sort"
                onClick={() => onHeader(c)}
                title={`Sort by ${c}`}
                aria-label={c}
                data-testid="table-header"
              >
                <span className="md-head-name">
                  {name}
                  {sort?.column === c && <span aria-label={sort.desc ? "descending" : "ascending"}>{sort.desc ? " ▼" : " ▲"}</span>}
                </span>
                {run !== null && <span className="md-head-run">{run}</span>}
              </button>
            );
          })}
        </div>
        <div style={{ height: virtualizer.getTotalSize(), position: "relative" }}>
          {items.map((item) => {
            const row = rows[item.index];
            if (!row) return null;
            const style = { transform: `translateY(${item.start}px)`, height: rowH, gridTemplateColumns: template };
            if (row.kind === "group") {
              return (
                <div key={item.key} className="md-row md-group" style={style} data-testid="table-group">
                  <div className="md-cell" style={{ gridColumn: "1 / -1" }}>
                    {group}: <strong>{cellText(row.value) || "(empty)"}</strong> <span className="muted">{row.count}</span>
                  </div>
                </div>
              );
            }
            return (
              <div key={item.key} className="md-row" style={style} data-testid="table-row">
                <div className="md-cell muted">{row.index}</div>
                {columns.map((c) => (
                  <div key={c} className="md-cell">
                    <CellView value={row.cells[c]} type={first?.types[c]} title={`${c}, row ${row.index}`} onOpen={setEnlarged} />
                  </div>
                ))}
              </div>
            );
          })}
        </div>
        {first && loadedRows(pages) === 0 && <div className="md-missing">no rows match</div>}
      </div>
      {enlarged && (
        <Lightbox label={`Enlarged ${enlarged.title}`} onClose={closeEnlarged}>
          <img className="md-lightbox-image" src={blobUrl(enlarged.blob)} alt={enlarged.title} data-testid="lightbox-image" />
          <span className="md-note">{enlarged.title}</span>
        </Lightbox>
      )}
    </div>
  );
}
