// A bounded load loop that spreads its requests across many apps on one node: request k goes to
// host k mod N (round robin, so every app is asked once per pass), from `concurrency` workers on a
// keep-alive pool, until `requests` were sent or `maxMs` has passed (whichever comes first).
import { Pool } from "undici";

export interface SpreadResult {
  apps: number;
  concurrency: number;
  requests: number;
  durationMs: number;
  stoppedBy: "count" | "time";
  non200: number;
  errors: number;
  latenciesMs: number[];
}

export async function spreadLoad(origin: string, hosts: readonly string[], opts: { requests: number; concurrency: number; maxMs: number; path?: string }): Promise<SpreadResult> {
  const pool = new Pool(origin, { connections: opts.concurrency, pipelining: 1, keepAliveTimeout: 60_000 });
  const latencies: number[] = [];
  let next = 0;
  let non200 = 0;
  let errors = 0;
  const start = performance.now();
  const deadline = start + opts.maxMs;
  try {
    await Promise.all(Array.from({ length: opts.concurrency }, async () => {
      while (next < opts.requests && performance.now() < deadline) {
        const host = hosts[next++ % hosts.length];
        const t0 = performance.now();
        try {
          const { statusCode, body } = await pool.request({ method: "GET", path: opts.path ?? "/", headers: { host }, headersTimeout: 30_000, bodyTimeout: 30_000 });
          await body.arrayBuffer();
          latencies.push(performance.now() - t0);
          if (statusCode !== 200) non200++;
        } catch {
          errors++;
          if (errors > 100) throw new Error(`spread load: more than 100 failed requests to ${origin}`);
        }
      }
    }));
  } finally {
    await pool.close();
  }
  return {
    apps: hosts.length,
    concurrency: opts.concurrency,
    requests: latencies.length,
    durationMs: performance.now() - start,
    stoppedBy: next >= opts.requests ? "count" : "time",
    non200,
    errors,
    latenciesMs: latencies,
  };
}
