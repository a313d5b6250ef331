// "+ Add run": a project (this one first), then a searchable list of its runs not yet compared;
// arrows move, Enter adds.
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useEffect, useId, useRef, useState } from "react";
import { api } from "../../../api/client";
import type { RunRow } from "../../../api/types";
import { StatePill } from "../../../components/StatePill";
import { Swatch } from "../../../components/Swatch";
import { runColor } from "../../../lib/colors";
import { refOf, type RunRef } from "../state/runRefs";

const LIMIT = 50;
const PICKER_WIDTH = 360;

interface RunPickerProps {
  /** the page's project: the picker starts in it */
  project: string;
  /** runs already compared: left out of the list */
  exclude: readonly RunRef[];
  onAdd: (run: RunRow) => void;
  /** runs of the page's project only (no project to choose): a report panel's runs are */
  onlyProject?: boolean;
}

export function RunPicker({ project, exclude, onAdd, onlyProject = false }: RunPickerProps) {
  const [open, setOpen] = useState(false);
  const [from, setFrom] = useState(project);
  const [search, setSearch] = useState("");
  const [active, setActive] = useState(0);
  // opens to the right of the button unless that would leave the window
  const [align, setAlign] = useState<"left" | "right">("left");
  const anchor = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const listId = useId();

  const projects = useQuery({ queryKey: ["projects"], queryFn: api.projects, enabled: open && !onlyProject });
  const excluded = new Set(exclude.map((r) => r.ref));
  const excludedHere = exclude.filter((r) => r.project === from).length;
  const query = useQuery({
    queryKey: ["runs", from, "picker", search],
    queryFn: () => api.runs(from, { search: search.trim() || undefined, limit: LIMIT + excludedHere }),
    enabled: open,
    placeholderData: keepPreviousData,
  });
  const options = (query.data?.runs ?? []).filter((run) => !excluded.has(refOf(from, run.id, project))).slice(0, LIMIT);
  const more = (query.data?.total ?? 0) - excludedHere - options.length;
  // the page's project first, then the others the caller may read, by name
  const projectNames = [project, ...(projects.data ?? []).map((p) => p.name).filter((name) => name !== project).sort()];

  useEffect(() => setActive(0), [search, from]);
  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (anchor.current && !anchor.current.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener("mousedown", onDown);
    return () => document.removeEventListener("mousedown", onDown);
  }, [open]);

  const close = () => {
    setOpen(false);
    setSearch("");
    setFrom(project);
    button.current?.focus();
  };
  const add = (run: RunRow | undefined) => {
    if (!run) return;
    onAdd(run);
    close();
  };
  const onKeyDown = (e: React.KeyboardEvent) => {
    if (e.key === "ArrowDown") setActive((i) => Math.min(i + 1, options.length - 1));
    else if (e.key === "ArrowUp") setActive((i) => Math.max(i - 1, 0));
    else if (e.key === "Enter") add(options[active]);
    else if (e.key === "Escape") close();
    else return;
    e.preventDefault();
  };

  return (
    <div className="popover-anchor" ref={anchor}>
      <button
        ref={button}
        type="button"
        className="button"
        aria-expanded={open}
        aria-haspopup="listbox"
        data-testid="add-run"
        onClick={() => {
          const left = anchor.current?.getBoundingClientRect().left ?? 0;
          setAlign(left + PICKER_WIDTH > window.innerWidth - 8 ? "right" : "left");
          setOpen((o) => !o);
        }}
      >
        + Add run
      </button>
      {open && (
        <div className={`popover popover-${align} picker run-picker`} style={{ width: PICKER_WIDTH }} data-testid="run-picker">
          {!onlyProject && (
            <label className="run-picker-project">
              <span className="muted small">Project</span>
              <select
                value={from}
                aria-label="Project to add a run from"
                data-testid="run-picker-project"
                onChange={(e) => setFrom(e.target.value)}
              >
                {projectNames.map((name) => (
                  <option key={name} value={name}>
                    {name}
                  </option>
                ))}
              </select>
            </label>
          )}
          <input
            className="card-search picker-search"
            type="search"
            role="combobox"
            aria-expanded
            aria-controls={listId}
            aria-activedescendant={options[active] ? `${listId}-${active}` : undefined}
            aria-label="Search runs to add"
            placeholder="Search runs by name, id or tag"
            autoFocus
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            onKeyDown={onKeyDown}
            data-testid="run-picker-search"
          />
          <ul className="picker-list" role="listbox" id={listId} aria-label="Runs to add">
            {options.map((run, i) => (
              <li
                key={run.id}
                id={`${listId}-${i}`}
                role="option"
                aria-selected={i === active}
                className={i === active ? "picker-option active" : "picker-option"}
                data-testid="run-picker-option"
                data-run-name={run.name}
                title={`${run.name} (${refOf(from, run.id, project)})`}
                onMouseEnter={() => setActive(i)}
                onMouseDown={(e) => e.preventDefault()}
                onClick={() => add(run)}
              >
                <Swatch color={runColor({ id: refOf(from, run.id, project), number: run.number })} />
                <span className="run-picker-name">{run.name}</span>
                <StatePill state={run.state} />
              </li>
            ))}
          </ul>
          {query.isPending && <div className="muted pad">Loading runs…</div>}
          {query.isError && (
            <div className="error-text pad" role="alert">
              {query.error.message}
            </div>
          )}
          {query.isSuccess && options.length === 0 && (
            <div className="muted pad">{search ? "No other run matches" : "Every run is already compared"}</div>
          )}
          {more > 0 && <div className="picker-footer muted">{more} more: type to narrow</div>}
        </div>
      )}
    </div>
  );
}
