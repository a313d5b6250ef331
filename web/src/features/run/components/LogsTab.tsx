// The Logs tab: the run's console with line numbers, stderr marked, ANSI colours, search, a live
// tail while the run is running (every 2 s, asking only for lines after the last one), download.
import { useEffect, useRef, useState } from "react";
import { api } from "../../../api/client";
import type { ConsoleLine, RunDetail } from "../../../api/types";
import { type AnsiStyle, parseAnsi, stripAnsi } from "../../../lib/ansi";
import { useDebounced } from "../../../lib/useDebounced";

const POLL_MS = 2000;

function styleOf(style: AnsiStyle): React.CSSProperties {
  return {
    color: style.fg,
    background: style.bg,
    fontWeight: style.bold ? 600 : undefined,
    opacity: style.dim ? 0.7 : undefined,
    fontStyle: style.italic ? "italic" : undefined,
    textDecoration: style.underline ? "underline" : undefined,
  };
}

function Line({ line }: { line: ConsoleLine }) {
  return (
    <div className={`log-line log-${line.stream}`} data-testid="log-line">
      <span className="line-no">{line.number + 1}</span>
      <span className="log-text">
        {parseAnsi(line.text).map((span, i) =>
          Object.keys(span.style).length ? (
            <span key={i} style={styleOf(span.style)}>
              {span.text}
            </span>
          ) : (
            span.text
          ),
        )}
      </span>
    </div>
  );
}

export function LogsTab({ run }: { run: RunDetail }) {
  const [search, setSearch] = useState("");
  const query = useDebounced(search, 250);
  const [lines, setLines] = useState<ConsoleLine[]>([]);
  const [total, setTotal] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const linesRef = useRef<ConsoleLine[]>([]);
  linesRef.current = lines;

  useEffect(() => {
    let alive = true;
    api.console(run.project, run.id, { search: query }).then(
      (page) => {
        if (!alive) return;
        setLines(page.lines);
        setTotal(page.total);
        setError(null);
      },
      (e: Error) => alive && setError(e.message),
    );
    return () => {
      alive = false;
    };
  }, [run.project, run.id, query]);

  useEffect(() => {
    if (run.state !== "running") return;
    const timer = window.setInterval(() => {
      const last = linesRef.current[linesRef.current.length - 1];
      api.console(run.project, run.id, { search: query, after: last?.number }).then((page) => {
        if (page.lines.length) setLines((prev) => [...prev, ...page.lines]);
        setTotal(page.total);
      }, () => undefined);
    }, POLL_MS);
    return () => window.clearInterval(timer);
  }, [run.project, run.id, run.state, query]);

  const download = async () => {
    const page = await api.console(run.project, run.id);
    const text = page.lines.map((l) => stripAnsi(l.text)).join("\n") + "\n";
    const url = URL.createObjectURL(new Blob([text], { type: "text/plain" }));
    const a = document.createElement("a");
    a.href = url;
    a.download = `${run.project}-${run.id}-console.txt`;
    a.click();
    URL.revokeObjectURL(url);
  };

  return (
    <div className="logs-tab" data-testid="logs-tab">
      <div className="logs-bar">
        <input
          className="input"
          placeholder="Search the console"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          data-testid="log-search"
        />
        <span className="muted" data-testid="log-count">
          {query ? `${lines.length} matching of ${total ?? 0} lines` : `${total ?? 0} lines`}
          {run.state === "running" ? " · live" : ""}
        </span>
        <button type="button" className="button" onClick={() => void download()} data-testid="log-download">
          Download
        </button>
      </div>
      {error && <div className="muted">Could not load the console: {error}</div>}
      {total === 0 && !error ? (
        <div className="muted" data-testid="log-empty">
          No console output captured.
        </div>
      ) : (
        <pre className="log-view">
          {lines.map((line) => (
            <Line key={line.number} line={line} />
          ))}
        </pre>
      )}
    </div>
  );
}
