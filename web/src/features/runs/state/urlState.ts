// The workspace view as URL parameters, so a copied link shows the same view. Other parameters
// (the charts' x, smooth, logy, zoom, panels*) pass through untouched.
import { joinList, splitList } from "../../../lib/urlList";
import type { SortState } from "./order";

export interface WorkspaceState {
  filter: string; // filter expression, applied
  q: string; // quick search
  sort: SortState | null;
  group: string | null; // a column id ("config.optimizer") to group by
  bin: string | null; // how a numeric group key is binned ("log-5", "values"; see binning.ts); null: auto
  cols: string[] | null; // data column ids in order; null: the defaults
  pin: string[]; // data columns pinned left
  hide: string[]; // run ids hidden from the charts
  show: string[]; // run ids shown beyond the first 50
  select: string[]; // selected run ids
  fold: string[]; // collapsed group values
  view: WorkspaceView; // the right pane: charts, or analysis (parallel coordinates, importance)
}

export type WorkspaceView = "charts" | "analysis";

export const EMPTY_STATE: WorkspaceState = {
  filter: "",
  q: "",
  sort: null,
  group: null,
  bin: null,
  cols: null,
  pin: [],
  hide: [],
  show: [],
  select: [],
  fold: [],
  view: "charts",
};

const LISTS = ["pin", "hide", "show", "select", "fold"] as const;

export function decodeWorkspaceState(params: URLSearchParams): WorkspaceState {
  const sortText = params.get("sort") ?? "";
  const desc = sortText.startsWith("-");
  const sortColumn = desc ? sortText.slice(1) : sortText;
  const state: WorkspaceState = {
    ...EMPTY_STATE,
    filter: params.get("filter") ?? "",
    q: params.get("q") ?? "",
    sort: sortColumn ? { column: sortColumn, desc } : null,
    group: params.get("group") || null,
    bin: params.get("bin") || null,
    cols: params.has("cols") ? splitList(params.get("cols")) : null,
    view: params.get("view") === "analysis" ? "analysis" : "charts",
  };
  for (const key of LISTS) state[key] = splitList(params.get(key));
  return state;
}

/** `base` with the workspace parameters replaced by `state`; empty values are left out. */
export function encodeWorkspaceState(state: WorkspaceState, base?: URLSearchParams): URLSearchParams {
  const params = new URLSearchParams(base);
  const set = (key: string, value: string | null) => {
    if (value) params.set(key, value);
    else params.delete(key);
  };
  set("filter", state.filter.trim() || null);
  set("q", state.q.trim() || null);
  set("sort", state.sort ? `${state.sort.desc ? "-" : ""}${state.sort.column}` : null);
  set("group", state.group);
  set("bin", state.group ? state.bin : null);
  if (state.cols === null) params.delete("cols");
  else params.set("cols", joinList(state.cols));
  for (const key of LISTS) set(key, joinList(state[key]) || null);
  set("view", state.view === "charts" ? null : state.view);
  return params;
}
