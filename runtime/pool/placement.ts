// Which runtime thread gets what: an app version's home thread at deploy, and the thread for each of its
// requests (the home while it keeps up, else the least busy). Pure choices over the pool's threads.
import type { RuntimeThread } from "./thread.ts";

/** A home thread busier than this share of the last 50 ms spills new requests to others. */
export const SPILL_UTILIZATION = 0.6;

/** What placement reads of a loaded app version. */
export interface Placed { spec: { name: string }; compiled: string; home: number; evicted: boolean }

/**
 * The home for a version of `name`: the thread of a loaded version of the same app with the same compiled
 * modules (a config-only deploy or secret reload), else the thread that is home to the fewest versions.
 */
export function homeFor(threads: readonly RuntimeThread[], apps: Iterable<Placed>, name: string, compiled: string): number {
  const counts = threads.map(() => 0);
  for (const a of apps) {
    if (a.spec.name === name && a.compiled === compiled && !a.evicted && threads[a.home]?.alive) return a.home;
    counts[a.home]++;
  }
  return counts.indexOf(Math.min(...counts));
}

/**
 * The thread for an app's next request: its home thread while that keeps up (idle, or busy less than
 * SPILL_UTILIZATION of the last interval with fewer than `spillThreshold` in flight), else the thread
 * with the fewest requests in flight, which loads the app on first use.
 */
export function pickThread(threads: readonly RuntimeThread[], homeIndex: number, spillThreshold: number): RuntimeThread {
  const home = threads[homeIndex];
  if (home.alive && (home.inflight === 0 || (home.utilization < SPILL_UTILIZATION && home.inflight < spillThreshold))) return home;
  let best = home.alive ? home : threads.find((t) => t.alive) ?? home;
  for (const t of threads) if (t.alive && t.inflight < best.inflight) best = t;
  return best;
}
