/** "1 run", "2 runs": a count with its noun, plural unless the count is one. */
export function plural(count: number, noun: string, nouns = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : nouns}`;
}
