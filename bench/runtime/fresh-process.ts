// Sections 1 and 3 of the runtime bench, both measured in fresh child processes (V8 dedupes compiles
// of identical bytes process-wide, and lazy compilation happens once per process): compile, validate,
// jco transpile cold and cached, and the first call in a process against later ones.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runChild } from "../lib/child.ts";
import { progress } from "../lib/progress.ts";
import type { ComponentSource } from "./component-source.ts";
import { metric, type Metric } from "./metric.ts";

const CHILD = join(import.meta.dirname, "fresh-child.ts");

interface ColdSample { importMs: number; validateMs: number; transpileMs: number; compileMs: number }
interface FreshSample {
  importMs: number;
  compileMs: number;
  modules: Array<{ name: string; bytes: number; ms: number }>;
  runtime: { validateMs: number; transpileMs: number; compileMs: number };
  first: { instantiateMs: number; handleMs: number; secondRequestMs: number };
  second: { instantiateMs: number; handleMs: number };
}

export interface FreshProcessResult {
  metrics: Metric[];
  /** A cache dir holding the transpiled glue, for the rest of the run. */
  warmCacheDir: string;
  /** Removes every cache dir this made, the warm one included. */
  cleanup(): Promise<void>;
}

const pick = <T>(xs: T[], f: (x: T) => number) => xs.map(f);

export async function freshProcessMetrics(src: ComponentSource, opts: { samples: number; path: string }): Promise<FreshProcessResult> {
  const root = await mkdtemp(join(tmpdir(), "outpost-bench-fresh-"));
  const cleanup = () => rm(root, { recursive: true, force: true });
  try {
    return await measure(src, opts, root, cleanup);
  } catch (err) {
    await cleanup();
    throw err;
  }
}

async function measure(src: ComponentSource, opts: { samples: number; path: string }, root: string, cleanup: () => Promise<void>): Promise<FreshProcessResult> {
  const args = (mode: string, cacheDir: string) => [mode, src.path, cacheDir, src.name, JSON.stringify(src.vars), opts.path];
  const cold: ColdSample[] = [];
  for (let i = 0; i < opts.samples; i++) {
    progress(`fresh process: cold transpile ${i + 1}/${opts.samples}`);
    const dir = join(root, `cold-${i}`);
    cold.push(await runChild<ColdSample>(CHILD, args("cold", dir)));
    if (i > 0) await rm(dir, { recursive: true, force: true });
  }
  const warmCacheDir = join(root, "cold-0");
  const fresh: FreshSample[] = [];
  for (let i = 0; i < opts.samples; i++) {
    progress(`fresh process: compile and first call ${i + 1}/${opts.samples}`);
    fresh.push(await runChild<FreshSample>(CHILD, args("fresh", warmCacheDir)));
  }
  const modules = fresh[0].modules;
  const totalBytes = modules.reduce((n, m) => n + m.bytes, 0);
  const fp = "fresh child process per sample";
  const extra = { modules: fresh.map((f) => f.modules) };
  const metrics = [
    metric("compile.core-modules", `WebAssembly.compile, ${modules.length} core modules (${(totalBytes / 1e6).toFixed(1)} MB)`,
      `${fp}; glue on disk; bytes read before timing, nothing else loaded yet`, pick(fresh, (f) => f.compileMs), { extra }),
    metric("load.validate", "validate component", `${fp}; runtime's validateComponent (part of ComponentApp.load)`, pick(fresh, (f) => f.runtime.validateMs)),
    metric("load.transpile-cold", "jco transpile, cold", `${fp}; empty cache dir: transpile + write + import glue`, pick(cold, (c) => c.transpileMs)),
    metric("load.transpile-cached", "jco transpile, cached", `${fp}; glue on disk: import glue`, pick(fresh, (f) => f.runtime.transpileMs)),
    metric("first-call.first-instance.instantiate", "1st instance in a process: instantiate", `${fp}; Instance.create, module already compiled`, pick(fresh, (f) => f.first.instantiateMs)),
    metric("first-call.first-instance.handle", "1st instance in a process: 1st request", `${fp}; handle through the HTTP bridge, in-process fakes`, pick(fresh, (f) => f.first.handleMs)),
    metric("first-call.first-instance.second-request", "1st instance in a process: 2nd request", `${fp}; same instance, next request`, pick(fresh, (f) => f.first.secondRequestMs)),
    metric("first-call.second-instance.instantiate", "2nd instance in that process: instantiate", `${fp}; right after the above`, pick(fresh, (f) => f.second.instantiateMs)),
    metric("first-call.second-instance.handle", "2nd instance in that process: 1st request", `${fp}; in-process fakes`, pick(fresh, (f) => f.second.handleMs)),
    metric("first-call.code-to-first-response", "code on a node → 1st response (glue cached)",
      `${fp}; per child, the sum of: compile core modules + runtime load (validate, import cached glue, compile) + 1st instantiate + 1st request`,
      pick(fresh, (f) => f.compileMs + f.runtime.validateMs + f.runtime.transpileMs + f.runtime.compileMs + f.first.instantiateMs + f.first.handleMs)),
  ];
  return { metrics, warmCacheDir, cleanup };
}
