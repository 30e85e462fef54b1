// Section 2 of the runtime bench, in-process: with the component compiled and warmed, N times create
// a new Instance and serve one request through it (HTTP bridge, fake request and response, no
// sockets). Times the whole and the split: instantiate, then the first handle on that instance.
import { Instance } from "../../runtime/instance.ts";
import type { CompiledComponent } from "../../runtime/component.ts";
import { fakeRequest, fakeResponse } from "../lib/fake-http.ts";
import { progress } from "../lib/progress.ts";
import type { ComponentSource } from "./component-source.ts";
import { instanceOptions } from "./instance-options.ts";
import { metric, type Metric } from "./metric.ts";
import { serveOnce } from "./serve-once.ts";

/** Instances created and used before timing starts, so lazy compilation is already paid. */
export const INSTANCE_WARMUP = 3;

export async function newInstanceMetrics(component: CompiledComponent, src: ComponentSource, opts: { instances: number; path: string }): Promise<Metric[]> {
  const iopts = instanceOptions(src.name, src.vars);
  const total: number[] = [];
  const instantiate: number[] = [];
  const handle: number[] = [];
  progress(`new instance per request, in-process: ${opts.instances} instances`);
  const mem = () => ({ rssMiB: Math.round(process.memoryUsage().rss / 2 ** 20), heapUsedMiB: Math.round(process.memoryUsage().heapUsed / 2 ** 20) });
  const memStart = mem();
  for (let i = 0; i < INSTANCE_WARMUP + opts.instances; i++) {
    const fake = fakeResponse();
    const t0 = performance.now();
    const inst = await Instance.create(component, iopts);
    const t1 = performance.now();
    await serveOnce(inst, fakeRequest(opts.path), fake.res);
    const t2 = performance.now();
    if (fake.status() !== 200) throw new Error(`GET ${opts.path} answered ${fake.status()} on instance ${i + 1}; the benchmark needs 200`);
    if (i < INSTANCE_WARMUP) continue;
    total.push(t2 - t0);
    instantiate.push(t1 - t0);
    handle.push(t2 - t1);
  }
  const how = `in-process, no sockets: Instance.create + one request through the HTTP bridge with fake req/res; sequential; ${INSTANCE_WARMUP} untimed first`;
  // Dropped instances are freed only when V8 next runs a major GC; the memory held meanwhile is recorded.
  const memory = { start: memStart, end: mem() };
  return [
    metric("instance.first-response.inproc", "new instance → first response", how, total, { extra: { memory } }),
    metric("instance.instantiate.inproc", "  ├ instantiate", "same samples: Instance.create", instantiate),
    metric("instance.first-handle.inproc", "  └ first handle", "same samples: handle until response complete", handle),
  ];
}
