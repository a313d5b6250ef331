// Which runs the charts show: the first 50 loaded runs unless hidden, later ones only when shown.

export const DEFAULT_VISIBLE = 50;

export interface Visibility {
  hide: string[];
  show: string[];
}

export function isVisible(id: string, index: number, v: Visibility): boolean {
  if (v.hide.includes(id)) return false;
  return index < DEFAULT_VISIBLE || v.show.includes(id);
}

/** Make `ids` visible or hidden; `indexOf` gives each run's position in the table. */
export function setVisible(
  v: Visibility,
  ids: readonly string[],
  visible: boolean,
  indexOf: (id: string) => number,
): Visibility {
  const targets = new Set(ids);
  const hide = v.hide.filter((id) => !targets.has(id));
  const show = v.show.filter((id) => !targets.has(id));
  for (const id of ids) {
    const byDefault = indexOf(id) < DEFAULT_VISIBLE;
    if (visible && !byDefault) show.push(id);
    if (!visible && byDefault) hide.push(id);
  }
  return { hide, show };
}
