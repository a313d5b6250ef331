// The analysis choices kept in the URL (a link or a reload shows the same chart) or in memory (an
// embedded view that should not touch its page's URL).
import { useCallback, useMemo, useState } from "react";
import { useSearchParams } from "react-router-dom";
import { type AnalysisChoice, NO_CHOICE, decodeChoice, encodeChoice } from "../lib/choice";

export type ChoicePatch = Partial<AnalysisChoice>;

export function useAnalysisChoice(
  persist: "url" | "memory",
  initial: Partial<AnalysisChoice> = {},
): [AnalysisChoice, (patch: ChoicePatch) => void] {
  const [params, setParams] = useSearchParams();
  const [memory, setMemory] = useState<AnalysisChoice>({ ...NO_CHOICE, ...initial });
  const fromUrl = useMemo(() => ({ ...NO_CHOICE, ...initial, ...definedOnly(decodeChoice(params)) }), [params]); // eslint-disable-line react-hooks/exhaustive-deps -- initial is read once
  const update = useCallback(
    (patch: ChoicePatch) => {
      if (persist === "memory") {
        setMemory((current) => ({ ...current, ...patch }));
        return;
      }
      // Read the URL itself: two updates in one tick must both land (as the workspace state does).
      const prev = new URLSearchParams(window.location.search);
      setParams(encodeChoice({ ...decodeChoice(prev), ...patch }, prev), { replace: true });
    },
    [persist, setParams],
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
