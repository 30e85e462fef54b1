// The HTTP rows of the runtime bench: a node:http server in a child process (so client and server do
// not share an event loop; they do share the machine's cores), undici keep-alive clients here.
//   - new instance per request, concurrency 1
//   - reused instance, per request, concurrency 1
//   - throughput at a fixed concurrency for a fixed duration
import { join } from "node:path";
import { request } from "undici";
import { startServerChild } from "../lib/child.ts";
import { loadLoop, sequentialGets } from "../lib/http-load.ts";
import { progress } from "../lib/progress.ts";
import { summarize } from "../lib/stats.ts";
import type { ComponentSource } from "./component-source.ts";
import { metric, type Metric } from "./metric.ts";
import { INSTANCE_WARMUP } from "./new-instance.ts";

const SERVER = join(import.meta.dirname, "server-child.ts");

export interface HttpOptions {
  path: string;
  instances: number;
  requests: number;
  warmup: number;
  durationMs: number;
  concurrency: number;
}

async function withServer<T>(mode: "reuse" | "fresh", src: ComponentSource, cacheDir: string, fn: (origin: string) => Promise<T>): Promise<T> {
  const server = await startServerChild<{ port: number }>(SERVER, [mode, src.path, cacheDir, src.name, JSON.stringify(src.vars)]);
  try {
    return await fn(`http://127.0.0.1:${server.info.port}`);
  } finally {
    await server.stop();
  }
}

async function serverStats(origin: string): Promise<Record<string, unknown>> {
  const { body } = await request(`${origin}/__bench/stats`);
  return (await body.json()) as Record<string, unknown>;
}

const client = "undici Client keep-alive, concurrency 1, client-side send → last body byte";

export async function httpMetrics(src: ComponentSource, cacheDir: string, opts: HttpOptions): Promise<Metric[]> {
  const out: Metric[] = [];
  progress(`new instance per request, HTTP: ${opts.instances} requests`);
  out.push(await withServer("fresh", src, cacheDir, async (origin) => {
    const samples = await sequentialGets(origin, opts.path, INSTANCE_WARMUP, opts.instances);
    return metric("instance.first-response.http", "new instance → first response, HTTP",
      `node:http server in a child process, a new Instance per request; ${client}; ${INSTANCE_WARMUP} untimed first`, samples,
      { extra: { server: await serverStats(origin) } });
  }));

  await withServer("reuse", src, cacheDir, async (origin) => {
    progress(`reused instance, HTTP: ${opts.warmup} warm-up + ${opts.requests} requests`);
    const samples = await sequentialGets(origin, opts.path, opts.warmup, opts.requests);
    out.push(metric("reuse.request.http", "reused instance, per request, HTTP",
      `node:http server in a child process, ComponentApp.serve; ${client}; ${opts.warmup} warm-up`, samples,
      { extra: { server: await serverStats(origin) } }));

    const secs = opts.durationMs / 1000;
    progress(`throughput, HTTP: concurrency ${opts.concurrency}, 1 s warm-up + ${secs} s`);
    const load = await loadLoop(origin, opts.path, { concurrency: opts.concurrency, durationMs: opts.durationMs, warmupMs: 1000 });
    if (load.responses === 0) throw new Error(`throughput run got no responses from ${origin}${opts.path}`);
    if (load.non200 || load.errors) throw new Error(`throughput run: ${load.non200} non-200 responses and ${load.errors} failed requests of ${load.responses}`);
    out.push(metric(`throughput.http.c${opts.concurrency}`, `throughput, HTTP, ${opts.concurrency} concurrent, ${secs} s`,
      `same server; undici Pool of ${opts.concurrency} keep-alive connections, ${opts.concurrency} request loops, 1 s warm-up; all 200`,
      [load.requestsPerSecond], {
        unit: "req/s", spread: "min-max",
        extra: { responses: load.responses, durationMs: load.durationMs, non200: load.non200, errors: load.errors, latency: summarize(load.latenciesMs), server: await serverStats(origin) },
      }));
  });
  return out;
}
