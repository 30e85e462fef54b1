// The peers bench's load generator: bench/lib/http-load.ts's bounded loop (fixed duration, fixed
// concurrency, undici keep-alive pool, one worker per connection, in-flight requests finished and
// counted, untimed warm-up first) for any request, not only GET, since the transform workload POSTs a
// body. The same generator drives every system.
import { Pool } from "undici";
import type { LoadResult } from "../lib/http-load.ts";
import type { RequestSpec } from "./workloads/index.ts";

const TIMEOUTS = { headersTimeout: 10_000, bodyTimeout: 10_000 };
const MAX_ERRORS = 100;

export async function requestLoop(origin: string, spec: RequestSpec, opts: { concurrency: number; durationMs: number; warmupMs: number }): Promise<LoadResult> {
  const pool = new Pool(origin, { connections: opts.concurrency, pipelining: 1, keepAliveTimeout: 60_000 });
  const req = { method: spec.method, path: spec.path, headers: spec.headers, body: spec.body, ...TIMEOUTS };
  const run = async (ms: number) => {
    const latencies: number[] = [];
    let non200 = 0;
    let errors = 0;
    let lastError = "";
    const start = performance.now();
    const deadline = start + ms;
    await Promise.all(Array.from({ length: opts.concurrency }, async () => {
      while (performance.now() < deadline && errors <= MAX_ERRORS) {
        const t0 = performance.now();
        try {
          const { statusCode, body } = await pool.request(req);
          await body.arrayBuffer();
          latencies.push(performance.now() - t0);
          if (statusCode !== 200) non200++;
        } catch (err) {
          errors++;
          lastError = (err as Error).message;
        }
      }
    }));
    if (errors > MAX_ERRORS) throw new Error(`more than ${MAX_ERRORS} failed requests to ${origin}${spec.path.slice(0, 60)} (last: ${lastError})`);
    return { latencies, non200, errors, elapsed: performance.now() - start };
  };
  try {
    if (opts.warmupMs > 0) await run(opts.warmupMs);
    const r = await run(opts.durationMs);
    return {
      concurrency: opts.concurrency,
      durationMs: r.elapsed,
      responses: r.latencies.length,
      non200: r.non200,
      errors: r.errors,
      requestsPerSecond: (r.latencies.length / r.elapsed) * 1000,
      latenciesMs: r.latencies,
    };
  } finally {
    await pool.close();
  }
}
