// Cost per call of each conformance check on one server: GET /time/<check>?n=N runs the check N times in
// one request; the median over runs, less the median of the empty check at the same N, over N. N is chosen
// once per check (on workerd when it runs), doubling until the check's own work in one request is at least
// WORK_MS, so the cost of the HTTP round trip (~1 ms, noisy) does not swamp a sub-microsecond check.
import { send } from "../peers/launch.ts";
import { summarize } from "../lib/stats.ts";

const WORK_MS = 10;
/** At most this many calls in one request (the app caps n at 10,000): enough for a 0.01 µs check. */
const MAX_CALLS = 4096;

async function timeRequest(origin: string, check: string, n: number): Promise<number> {
  const t0 = performance.now();
  const [status, body] = await send(origin, { method: "GET", path: `/time/${encodeURIComponent(check)}?n=${n}` }, 120_000);
  if (status !== 200) throw new Error(`${origin}/time/${check} answered ${status}: ${body.slice(0, 200)}`);
  return performance.now() - t0;
}

async function medianMs(origin: string, check: string, n: number, runs: number): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) samples.push(await timeRequest(origin, check, n));
  return summarize(samples).p50;
}

/** How many calls make the check's own work in one request last at least WORK_MS (at most MAX_CALLS). */
export async function callsPerRequest(origin: string, check: string): Promise<number> {
  await timeRequest(origin, check, 1); // warm: the first call may compile or fill caches
  for (let n = 1; ; n *= 4) {
    const work = (await medianMs(origin, check, n, 3)) - (await medianMs(origin, "noop", n, 3));
    if (work >= WORK_MS || n * 4 > MAX_CALLS) return n;
  }
}

/** Median µs per call of `check`: `runs` timed requests of `n` calls each, less the empty check's. */
export async function microsPerCall(origin: string, check: string, n: number, runs: number): Promise<number> {
  const empty = await medianMs(origin, "noop", n, runs);
  const full = await medianMs(origin, check, n, runs);
  return (Math.max(0, full - empty) / n) * 1000;
}
