// Which version of a gradual deployment speaks for its app (the largest share) and which serves one request (a draw by percent).
/** The version with the largest share (the first on a tie): its routes and manifest speak for the app. */
export function largestShare<T extends { percent: number }>(versions: readonly T[]): T {
  let best = versions[0];
  for (const v of versions) if (v.percent > best.percent) best = v;
  return best;
}

/** The version that serves one request: weighted by percent (summing to 100), uniform draw. */
export function drawByPercent<T extends { percent: number }>(versions: readonly T[], draw = Math.random() * 100): T {
  if (versions.length === 1) return versions[0];
  let r = draw;
  for (const v of versions) {
    if (r < v.percent) return v;
    r -= v.percent;
  }
  return versions[versions.length - 1];
}
