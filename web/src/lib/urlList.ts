// Lists in one URL parameter: "a,b,c", with "\," and "\\" escaping a comma or backslash inside an item.

export function joinList(items: readonly string[]): string {
  return items.map((item) => item.replace(/\\/g, "\\\\").replace(/,/g, "\\,")).join(",");
}

export function splitList(text: string | null): string[] {
  if (!text) return [];
  const items: string[] = [];
  let current = "";
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === "\\" && i + 1 < text.length) {
      current += text[++i];
    } else if (ch === ",") {
      items.push(current);
      current = "";
    } else {
      current += ch;
    }
  }
  items.push(current);
  return items.filter((item) => item !== "");
}
