// Cost per call of each conformance check on one server: GET /time/<check>?n=N runs the check N times in
// one request; the median over runs, less the median of the empty check at the same N, over N. N is chosen
// once per check (from workerd when it runs) so a timed request lasts about TARGET_MS on both systems.
import { send } from "../peers/launch.ts";
import { summarize } from "../lib/stats.ts";

const TARGET_MS = 20;
const MAX_CALLS = 500;

async function timeRequest(origin: string, check: string, n: number): Promise<number> {
  const t0 = performance.now();
  const [status, body] = await send(origin, { method: "GET", path: `/time/${encodeURIComponent(check)}?n=${n}` }, 60_000);
  if (status !== 200) throw new Error(`${origin}/time/${check} answered ${status}: ${body.slice(0, 200)}`);
  return performance.now() - t0;
}

/** How many calls make one timed request last about TARGET_MS (one calibration call, at least 1). */
export async function callsPerRequest(origin: string, check: string): Promise<number> {
  await timeRequest(origin, check, 1); // warm: the first call may compile or fill caches
  const ms = await timeRequest(origin, check, 5);
  return Math.max(1, Math.min(MAX_CALLS, Math.round((TARGET_MS * 5) / Math.max(ms, 0.05))));
}

/** Median µs per call of `check`, `runs` timed requests of `n` calls each, the empty check's cost taken off. */
export async function microsPerCall(origin: string, check: string, n: number, runs: number): Promise<number> {
  const median = async (name: string) => {
    const samples: number[] = [];
    for (let i = 0; i < runs; i++) samples.push(await timeRequest(origin, name, n));
    return summarize(samples).p50;
  };
  const empty = await median("noop");
  const full = await median(check);
  return (Math.max(0, full - empty) / n) * 1000;
}
