// Which version of a gradual deployment speaks for its app (routes, manifest): the one with the largest share.
/** The version with the largest share (the first on a tie): its routes and manifest speak for the app. */
export function largestShare<T extends { percent: number }>(versions: readonly T[]): T {
  let best = versions[0];
  for (const v of versions) if (v.percent > best.percent) best = v;
  return best;
}
