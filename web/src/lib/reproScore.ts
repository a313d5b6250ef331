// How a reproducibility score (0–100, or null when nothing was captured) is shown.

export type ScoreLevel = "good" | "fair" | "poor" | "none";

export function scoreLevel(score: number | null | undefined): ScoreLevel {
  if (score === null || score === undefined) return "none";
  if (score >= 80) return "good";
  if (score >= 50) return "fair";
  return "poor";
}

export function scoreLabel(score: number | null | undefined): string {
  return score === null || score === undefined ? "R –" : `R ${Math.round(score)}%`;
}
