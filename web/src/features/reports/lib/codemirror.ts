// CodeMirror 6 set up for a report's Markdown block: GFM and math highlighting, line wrapping, its
// own undo history, the default and Markdown keymaps (Enter continues a list), and a theme drawn from the
// dashboard's CSS variables so it follows the light and dark themes. Imported lazily (by
// ../components/MarkdownCodeEditor) so pages without an editor never load CodeMirror.
import { defaultKeymap, history, historyKeymap } from "@codemirror/commands";
import { markdownKeymap, markdownLanguage } from "@codemirror/lang-markdown";
import { HighlightStyle, Language, LanguageSupport, syntaxHighlighting } from "@codemirror/language";
import { Annotation, Compartment, EditorState } from "@codemirror/state";
import { EditorView, keymap, placeholder } from "@codemirror/view";
import { tags } from "@lezer/highlight";
import type { MarkdownParser } from "@lezer/markdown";
import { mathSyntax, mathTag } from "./mathSyntax";

/** GFM with the reports' math (lang-markdown's `markdown()` would also bring its HTML support). */
const reportMarkdown = new Language(markdownLanguage.data, (markdownLanguage.parser as MarkdownParser).configure(mathSyntax), [], "markdown");

const highlight = HighlightStyle.define([
  { tag: tags.heading, fontWeight: "600", color: "var(--accent)" },
  { tag: tags.strong, fontWeight: "600" },
  { tag: tags.emphasis, fontStyle: "italic" },
  { tag: tags.strikethrough, textDecoration: "line-through" },
  { tag: [tags.link, tags.url], color: "var(--accent)" },
  { tag: tags.monospace, backgroundColor: "var(--bg-subtle)" },
  { tag: [tags.processingInstruction, tags.labelName, tags.contentSeparator], color: "var(--text-faint)" },
  { tag: [tags.quote, tags.comment], color: "var(--text-muted)" },
  { tag: mathTag, color: "var(--best)" },
]);

const theme = EditorView.theme({
  "&": {
    backgroundColor: "var(--bg)",
    color: "var(--text)",
    border: "1px solid var(--border-strong)",
    borderRadius: "var(--radius)",
    fontSize: "12px",
    maxHeight: "420px",
  },
  "&.cm-focused": { outline: "none", borderColor: "var(--accent)", boxShadow: "0 0 0 2px var(--focus)" },
  ".cm-scroller": { fontFamily: "var(--font-mono)", lineHeight: "1.5", overflow: "auto" },
  ".cm-content": { padding: "5px 0", minHeight: "72px", caretColor: "var(--text)" },
  ".cm-line": { padding: "0 8px" },
  ".cm-placeholder": { color: "var(--text-faint)" },
});

/** Marks a transaction that brings a text from outside (not typed): not sent back up. */
const fromOutside = Annotation.define<boolean>();

export interface MarkdownView {
  view: EditorView;
  /** replaces the whole text (a change made outside the editor, such as the report's undo) */
  setText: (text: string) => void;
  /** the accessible name of the editor's text box */
  setLabel: (label: string) => void;
}

const PLACEHOLDER = "Markdown: # headings, **bold**, lists, | tables |, `code`, $math$…";

/** A Markdown editor in `parent` holding `text`; `onText` gets the whole text after each edit. */
export function createMarkdownView(parent: HTMLElement, text: string, label: string, onText: (text: string) => void): MarkdownView {
  const attributes = new Compartment();
  const contentAttributes = (name: string) => EditorView.contentAttributes.of({ "aria-label": name, "data-testid": "markdown-input", spellcheck: "true" });
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: text,
      extensions: [
        history(),
        keymap.of([...markdownKeymap, ...defaultKeymap, ...historyKeymap]),
        new LanguageSupport(reportMarkdown),
        syntaxHighlighting(highlight),
        EditorView.lineWrapping,
        placeholder(PLACEHOLDER),
        theme,
        attributes.of(contentAttributes(label)),
        EditorView.updateListener.of((update) => {
          if (update.docChanged && !update.transactions.some((tr) => tr.annotation(fromOutside))) onText(update.state.doc.toString());
        }),
      ],
    }),
  });
  return {
    view,
    setText: (next) =>
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: next }, annotations: [fromOutside.of(true)] }),
    setLabel: (name) => view.dispatch({ effects: attributes.reconfigure(contentAttributes(name)) }),
  };
}
