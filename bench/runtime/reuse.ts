// Section 4 of the runtime bench, in-process: one ComponentApp with one warm instance, requests served
// one after another through ComponentApp.serve (pool, limits, HTTP bridge) with fake request/response
// objects, so the time is the runtime's per-request path without sockets.
import type { ComponentApp } from "../../runtime/app.ts";
import { fakeRequest, fakeResponse } from "../lib/fake-http.ts";
import { progress } from "../lib/progress.ts";
import { metric, type Metric } from "./metric.ts";

export async function reuseMetrics(app: ComponentApp, opts: { requests: number; warmup: number; path: string }): Promise<Metric[]> {
  await app.warm();
  const before = app.stats.instancesCreated;
  const samples: number[] = [];
  progress(`reused instance, in-process: ${opts.warmup} warm-up + ${opts.requests} requests`);
  for (let i = 0; i < opts.warmup + opts.requests; i++) {
    const fake = fakeResponse();
    const t0 = performance.now();
    await app.serve(fakeRequest(opts.path), fake.res);
    const ms = performance.now() - t0;
    if (fake.status() !== 200) throw new Error(`GET ${opts.path} answered ${fake.status()} (request ${i + 1}); the benchmark needs 200`);
    if (i >= opts.warmup) samples.push(ms);
  }
  const created = app.stats.instancesCreated - before;
  if (created !== 0) throw new Error(`expected every request on the one warm instance, but ${created} more were created (one was discarded?)`);
  return [
    metric("reuse.request.inproc", "reused instance, per request", `in-process, no sockets: ComponentApp.serve with fake req/res, one instance, sequential, ${opts.warmup} warm-up`, samples),
  ];
}
