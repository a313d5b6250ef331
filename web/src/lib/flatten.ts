// Nested config → flat "model.width" keys, as the runs table shows them. Lists stay values.
import type { JsonValue } from "../api/types";

export function flatten(value: Record<string, JsonValue>, prefix = ""): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {};
  for (const [key, item] of Object.entries(value)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (item !== null && typeof item === "object" && !Array.isArray(item) && Object.keys(item).length) {
      Object.assign(out, flatten(item, path));
    } else {
      out[path] = item;
    }
  }
  return out;
}
