// A Markdown block's text in CodeMirror (loaded with this module, lazily). The editor owns its
// document and its undo; the block's text follows it, and a text that changes outside it (the
// report's undo, a restore) replaces its document.
import { type JSX, useEffect, useRef } from "react";
import { createMarkdownView, type MarkdownView } from "../lib/codemirror";
import { Echoes } from "../lib/echoes";

interface MarkdownCodeEditorProps {
  text: string;
  /** the accessible name of the text box */
  label: string;
  onChange: (text: string) => void;
}

export function MarkdownCodeEditor({ text, label, onChange }: MarkdownCodeEditorProps): JSX.Element {
  const host = useRef<HTMLDivElement>(null);
  const editor = useRef<MarkdownView | null>(null);
  const echoes = useRef(new Echoes());
  const latest = useRef({ text, label, onChange });
  latest.current = { text, label, onChange };

  useEffect(() => {
    if (!host.current) return;
    const { text: initial, label: name } = latest.current;
    const created = createMarkdownView(host.current, initial, name, (typed) => {
      echoes.current.sent(typed);
      latest.current.onChange(typed);
    });
    editor.current = created;
    return () => {
      created.view.destroy();
      editor.current = null;
    };
  }, []);

  useEffect(() => {
    const current = editor.current;
    if (!current || echoes.current.isEcho(text)) return;
    if (current.view.state.doc.toString() !== text) current.setText(text);
  }, [text]);

  useEffect(() => {
    editor.current?.setLabel(label);
  }, [label]);

  return <div ref={host} className="rp-code" />;
}
