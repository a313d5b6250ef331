// The analysis choices kept in the URL (a link or a reload shows the same chart) or in memory (an
// embedded view that should not touch its page's URL).
import { useCallback, useMemo, useState } from "react";
import { useSearchParams } from "react-router-dom";
import { type AnalysisChoice, NO_CHOICE, decodeChoice, encodeChoice } from "../lib/choice";

export type ChoicePatch = Partial<AnalysisChoice>;
/** A patch, or a function of the latest choices (the URL as it is now, not as the last render saw it). */
export type ChoiceUpdate = ChoicePatch | ((latest: AnalysisChoice) => ChoicePatch);

export function useAnalysisChoice(
  persist: "url" | "memory",
  initial: Partial<AnalysisChoice> = {},
): [AnalysisChoice, (update: ChoiceUpdate) => void] {
  const [params, setParams] = useSearchParams();
  const [memory, setMemory] = useState<AnalysisChoice>({ ...NO_CHOICE, ...initial });
  const fromUrl = useMemo(() => ({ ...NO_CHOICE, ...initial, ...definedOnly(decodeChoice(params)) }), [params]); // eslint-disable-line react-hooks/exhaustive-deps -- initial is read once
  const update = useCallback(
    (change: ChoiceUpdate) => {
      const patchOf = (latest: AnalysisChoice) => (typeof change === "function" ? change(latest) : change);
      if (persist === "memory") {
        setMemory((current) => ({ ...current, ...patchOf(current) }));
        return;
      }
      // Read the URL itself: two updates in one tick must both land (as the workspace state does).
      const prev = new URLSearchParams(window.location.search);
      const written = decodeChoice(prev);
      const patch = patchOf({ ...NO_CHOICE, ...initial, ...definedOnly(written) });
      setParams(encodeChoice({ ...written, ...patch }, prev), { replace: true });
    },
    [persist, setParams], // eslint-disable-line react-hooks/exhaustive-deps -- initial is read once
  );
  return [persist === "url" ? fromUrl : memory, update];
}

/** The choices the URL actually makes (so `initial` fills the rest). */
function definedOnly(choice: AnalysisChoice): Partial<AnalysisChoice> {
  const out: Partial<AnalysisChoice> = { brush: choice.brush, brushFilter: choice.brushFilter };
  if (choice.metric !== null) out.metric = choice.metric;
  if (choice.goal !== null) out.goal = choice.goal;
  if (choice.axes !== null) out.axes = choice.axes;
  return out;
}
