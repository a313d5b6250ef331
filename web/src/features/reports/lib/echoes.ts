// A controlled editor's texts in flight: what the editor sent up and may still come back down as
// its `text` prop, one render later. A text that comes down and was not sent changed outside the
// editor (the report's undo, a restore) and replaces the editor's document.

/** More texts than this in flight means renders stopped echoing: the oldest are forgotten. */
export const MAX_IN_FLIGHT = 200;

export class Echoes {
  private pending: string[] = [];

  /** Remembers a text the editor sent up. */
  sent(text: string): void {
    this.pending.push(text);
    if (this.pending.length > MAX_IN_FLIGHT) this.pending.shift();
  }

  /** Whether `text`, coming down, is one the editor sent (it and those sent before it are then
   * forgotten: a later render never brings an older one back). Otherwise nothing is pending. */
  isEcho(text: string): boolean {
    const at = this.pending.indexOf(text);
    this.pending = at < 0 ? [] : this.pending.slice(at + 1);
    return at >= 0;
  }
}
