// /p/:project/r/:runId — one run: header (name, state, tags, notes) and tabs.
import { useQuery } from "@tanstack/react-query";
import { Link, useParams, useSearchParams } from "react-router-dom";
import { ApiRequestError } from "../../api/client";
import { useRunColorOverrides } from "../../lib/useRunColorOverrides";
import { useSavedViewName } from "../views/savedView";
import { RunHeader } from "./components/RunHeader";
import { runQuery } from "./state/queries";
import { RUN_TABS } from "./tabs";

export function RunPage() {
  const { project = "", runId = "" } = useParams();
  const [params, setParams] = useSearchParams();
  const run = useQuery(runQuery(project, runId));
  useRunColorOverrides(project, useSavedViewName()); // the colour chosen for the run in the workspace

  if (run.isPending) return <div className="page-message muted">Loading run…</div>;
  if (run.isError) {
    const missing = run.error instanceof ApiRequestError && run.error.status === 404;
    return (
      <div className="page-message" data-testid="run-missing">
        <h2>{missing ? "Run not found" : "Could not load the run"}</h2>
        <p className="muted">{run.error.message}</p>
        <Link to={`/p/${encodeURIComponent(project)}`}>Back to {project}</Link>
      </div>
    );
  }

  const tabs = RUN_TABS.filter((tab) => tab.available(run.data));
  const active = tabs.find((tab) => tab.id === params.get("tab")) ?? tabs[0];

  return (
    <div className="page run-page" data-testid="run-page">
      <RunHeader run={run.data} />
      <nav className="tabs" role="tablist" data-testid="run-tabs">
        {tabs.map((tab) => {
          const count = tab.count?.(run.data);
          return (
            <button
              key={tab.id}
              type="button"
              role="tab"
              aria-selected={tab === active}
              className={`tab${tab === active ? " active" : ""}`}
              data-testid={`tab-${tab.id}`}
              onClick={() =>
                setParams(
                  (prev) => {
                    const next = new URLSearchParams(prev);
                    if (tab === tabs[0]) next.delete("tab");
                    else next.set("tab", tab.id);
                    return next;
                  },
                  { replace: true },
                )
              }
            >
              {tab.label}
              {count ? <span className="count-badge">{count}</span> : null}
            </button>
          );
        })}
      </nav>
      <div className="tab-body">{active?.render(run.data)}</div>
    </div>
  );
}
