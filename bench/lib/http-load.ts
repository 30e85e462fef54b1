// HTTP client loops over undici: sequential keep-alive requests timed one by one, and a bounded load
// loop (fixed duration, fixed concurrency, any GET or POST) that counts responses and checks each status.
import { Client, Pool, type Dispatcher } from "undici";

const TIMEOUTS = { headersTimeout: 10_000, bodyTimeout: 10_000 };

/** Sends one GET and reads the whole body; returns [status, ms] timed from send to last body byte. */
async function timedGet(d: Dispatcher, path: string): Promise<[number, number]> {
  const t0 = performance.now();
  const { statusCode, body } = await d.request({ method: "GET", path, ...TIMEOUTS });
  await body.arrayBuffer();
  return [statusCode, performance.now() - t0];
}

/** `warmup` untimed then `n` timed GETs, one at a time, on one keep-alive connection. Throws on a non-200. */
export async function sequentialGets(origin: string, path: string, warmup: number, n: number): Promise<number[]> {
  const client = new Client(origin, { pipelining: 1, keepAliveTimeout: 60_000 });
  try {
    const samples: number[] = [];
    for (let i = 0; i < warmup + n; i++) {
      const [status, ms] = await timedGet(client, path);
      if (status !== 200) throw new Error(`GET ${origin}${path} answered ${status} (request ${i + 1}); the benchmark needs 200`);
      if (i >= warmup) samples.push(ms);
    }
    return samples;
  } finally {
    await client.close();
  }
}

export interface LoadResult {
  concurrency: number;
  durationMs: number;
  responses: number;
  non200: number;
  /** Every answer that was not a 200, counted by status ("503": 2). */
  non200ByStatus: Record<string, number>;
  errors: number;
  /** Every failed request (no answer), counted by its error's message. */
  errorsByMessage: Record<string, number>;
  requestsPerSecond: number;
  latenciesMs: number[];
}

/** One request of a load loop: a path alone means GET. */
export interface LoadRequest {
  method: "GET" | "POST";
  /** Path and query. */
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

const MAX_ERRORS = 100;

/**
 * `concurrency` workers on a keep-alive pool of as many connections, each sending `request` back to
 * back until `durationMs` has passed (requests in flight then are finished and counted). A warm-up of
 * `warmupMs` runs first with the same shape and is not counted. More than 100 failed requests stop it.
 */
export async function loadLoop(origin: string, request: string | LoadRequest, opts: { concurrency: number; durationMs: number; warmupMs: number }): Promise<LoadResult> {
  const spec: LoadRequest = typeof request === "string" ? { method: "GET", path: request } : request;
  const pool = new Pool(origin, { connections: opts.concurrency, pipelining: 1, keepAliveTimeout: 60_000 });
  const req = { method: spec.method, path: spec.path, headers: spec.headers, body: spec.body, ...TIMEOUTS };
  const run = async (ms: number) => {
    const latencies: number[] = [];
    let non200 = 0;
    let errors = 0;
    let lastError = "";
    const byStatus: Record<string, number> = {};
    const byMessage: Record<string, number> = {};
    const start = performance.now();
    const deadline = start + ms;
    await Promise.all(Array.from({ length: opts.concurrency }, async () => {
      while (performance.now() < deadline && errors <= MAX_ERRORS) {
        const t0 = performance.now();
        try {
          const { statusCode, body } = await pool.request(req);
          await body.arrayBuffer();
          latencies.push(performance.now() - t0);
          if (statusCode !== 200) {
            non200++;
            byStatus[statusCode] = (byStatus[statusCode] ?? 0) + 1;
          }
        } catch (err) {
          errors++;
          lastError = (err as Error).message;
          byMessage[lastError] = (byMessage[lastError] ?? 0) + 1;
        }
      }
    }));
    if (errors > MAX_ERRORS) throw new Error(`load loop: more than ${MAX_ERRORS} failed requests to ${origin}${spec.path.slice(0, 60)} (last: ${lastError})`);
    return { latencies, non200, errors, byStatus, byMessage, elapsed: performance.now() - start };
  };
  try {
    if (opts.warmupMs > 0) await run(opts.warmupMs);
    const r = await run(opts.durationMs);
    return {
      concurrency: opts.concurrency,
      durationMs: r.elapsed,
      responses: r.latencies.length,
      non200: r.non200,
      non200ByStatus: r.byStatus,
      errors: r.errors,
      errorsByMessage: r.byMessage,
      requestsPerSecond: (r.latencies.length / r.elapsed) * 1000,
      latenciesMs: r.latencies,
    };
  } finally {
    await pool.close();
  }
}
