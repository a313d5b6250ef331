// `run.watch(model)` logs `gradients/<layer>` histograms and `gradients/<layer>/norm` scalars: the
// media panel of a histogram draws its norm beside it, so the chart grid leaves those norms out
// (one "gradients" section, not two).
import type { MediaKey } from "../api";

/** The metric keys a histogram panel draws (`<histogram key>/norm`), of some media keys. */
export function normsOfHistograms(keys: readonly MediaKey[]): Set<string> {
  return new Set(keys.filter((k) => k.kind === "histogram").map((k) => `${k.key}/norm`));
}
