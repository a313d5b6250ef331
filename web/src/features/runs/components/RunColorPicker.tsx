import { useEffect, useRef, useState, type KeyboardEvent } from "react";
import { createPortal } from "react-dom";
import { normalizeHex, PALETTE } from "../../../lib/colors";

const COLUMNS = 6; // the palette's grid: 4 rows of 6

interface RunColorPickerProps {
  runName: string;
  color: string;
  /** whether the colour is the user's choice (then "Reset" gives back the palette's) */
  chosen: boolean;
  onChoose: (color: string | null) => void;
}

/** A run's swatch in the table: a click opens the palette (and a hex field) to choose its colour. */
export function RunColorPicker({ runName, color, chosen, onChoose }: RunColorPickerProps) {
  const [at, setAt] = useState<{ x: number; y: number } | null>(null);
  const button = useRef<HTMLButtonElement>(null);
  const popover = useRef<HTMLDivElement>(null);

  const close = (refocus: boolean) => {
    setAt(null);
    if (refocus) button.current?.focus();
  };

  useEffect(() => {
    if (!at) return;
    const onDown = (e: MouseEvent) => {
      const target = e.target as Node;
      if (!popover.current?.contains(target) && !button.current?.contains(target)) setAt(null);
    };
    document.addEventListener("mousedown", onDown);
    // Open on the current colour (or the first), so the arrow keys start from there.
    const current = popover.current?.querySelector<HTMLButtonElement>('[aria-pressed="true"]');
    (current ?? popover.current?.querySelector<HTMLButtonElement>("[data-testid=palette-color]"))?.focus();
    return () => document.removeEventListener("mousedown", onDown);
  }, [at]);

  const choose = (next: string | null) => {
    onChoose(next);
    close(true);
  };

  const onGridKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const step = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -COLUMNS, ArrowDown: COLUMNS }[e.key];
    if (step === undefined) return;
    const buttons = [...e.currentTarget.querySelectorAll<HTMLButtonElement>("button")];
    const index = buttons.indexOf(document.activeElement as HTMLButtonElement);
    buttons[Math.min(buttons.length - 1, Math.max(0, index + step))]?.focus();
    e.preventDefault();
  };

  return (
    <>
      <button
        ref={button}
        type="button"
        className="swatch swatch-button"
        style={{ background: color }}
        aria-label={`Colour of ${runName}: ${color} (click to change)`}
        aria-haspopup="dialog"
        aria-expanded={at !== null}
        title="Change the run's colour"
        data-testid="run-swatch"
        data-color={color}
        onClick={(e) => {
          const rect = e.currentTarget.getBoundingClientRect();
          setAt(at ? null : { x: Math.min(rect.left, window.innerWidth - 200), y: Math.min(rect.bottom + 4, window.innerHeight - 190) });
        }}
      />
      {at &&
        createPortal(
          <div
            ref={popover}
            className="color-popover"
            style={{ left: at.x, top: at.y }}
            role="dialog"
            aria-label={`Colour of ${runName}`}
            data-testid="color-popover"
            onKeyDown={(e) => {
              if (e.key === "Escape") {
                e.stopPropagation();
                close(true);
              }
            }}
          >
            <div className="color-grid" role="group" aria-label="Palette" onKeyDown={onGridKey}>
              {PALETTE.map((c) => (
                <button
                  key={c}
                  type="button"
                  className="color-choice"
                  style={{ background: c }}
                  aria-label={c}
                  aria-pressed={c === color}
                  title={c}
                  data-testid="palette-color"
                  data-color={c}
                  onClick={() => choose(c)}
                />
              ))}
            </div>
            <HexField color={color} onChoose={choose} />
            <button
              type="button"
              className="color-reset"
              disabled={!chosen}
              data-testid="color-reset"
              onClick={() => choose(null)}
            >
              Reset to default
            </button>
          </div>,
          document.body,
        )}
    </>
  );
}

function HexField({ color, onChoose }: { color: string; onChoose: (color: string) => void }) {
  const [text, setText] = useState(color);
  const valid = normalizeHex(text) !== null;
  return (
    <form
      className="color-hex"
      onSubmit={(e) => {
        e.preventDefault();
        const hex = normalizeHex(text);
        if (hex) onChoose(hex);
      }}
    >
      <span className="swatch" style={{ background: normalizeHex(text) ?? "transparent" }} aria-hidden />
      <input
        value={text}
        onChange={(e) => setText(e.target.value)}
        aria-label="Hex colour"
        aria-invalid={!valid}
        spellCheck={false}
        maxLength={7}
        data-testid="color-hex"
      />
      <button type="submit" disabled={!valid}>
        Set
      </button>
    </form>
  );
}
