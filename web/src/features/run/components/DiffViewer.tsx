// A unified diff, one collapsible block per file: +/- colouring, hunk headers, line numbers.
import { useState } from "react";

interface DiffFile {
  name: string;
  lines: string[];
}

export function splitDiff(diff: string): DiffFile[] {
  const files: DiffFile[] = [];
  for (const line of diff.split("\n")) {
    if (line.startsWith("diff --git ") || files.length === 0) {
      const match = /^diff --git a\/(.*) b\//.exec(line);
      files.push({ name: match?.[1] ?? "diff", lines: [] });
    }
    files[files.length - 1]?.lines.push(line);
  }
  return files;
}

function lineClass(line: string): string {
  if (line.startsWith("@@")) return "diff-hunk";
  if (line.startsWith("+++") || line.startsWith("---") || line.startsWith("diff ") || line.startsWith("index "))
    return "diff-meta";
  if (line.startsWith("+")) return "diff-add";
  if (line.startsWith("-")) return "diff-del";
  return "";
}

function FileBlock({ file }: { file: DiffFile }) {
  const [open, setOpen] = useState(true);
  return (
    <div className="diff-file" data-testid="diff-file">
      <button type="button" className="diff-file-head" onClick={() => setOpen(!open)}>
        {open ? "▾" : "▸"} {file.name}
      </button>
      {open && (
        <pre className="diff-body">
          {file.lines.map((line, i) => (
            <div key={i} className={`diff-line ${lineClass(line)}`}>
              <span className="line-no">{i + 1}</span>
              <span>{line || " "}</span>
            </div>
          ))}
        </pre>
      )}
    </div>
  );
}

export function DiffViewer({ diff }: { diff: string }) {
  return (
    <div className="diff-viewer" data-testid="diff-viewer">
      {splitDiff(diff.replace(/\n$/, "")).map((file, i) => (
        <FileBlock key={i} file={file} />
      ))}
    </div>
  );
}
