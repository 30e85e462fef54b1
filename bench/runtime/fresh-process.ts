// Sections 1 and 3 of the runtime bench, both measured in fresh child processes (V8 dedupes compiles
// of identical bytes process-wide, and lazy compilation happens once per process): compile, validate,
// jco transpile cold and cached, and the first call in a process against later ones.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runChild } from "../lib/child.ts";
import { progress } from "../lib/progress.ts";
import type { ComponentSource } from "./component-source.ts";
import { metric, skipped, type Metric, type Row } from "./metric.ts";

const CHILD = join(import.meta.dirname, "fresh-child.ts");

interface ColdSample { importMs: number; validateMs: number; transpileMs: number; compileMs: number }
interface FreshSample {
  importMs: number;
  compileMs: number;
  modules: Array<{ name: string; bytes: number; ms: number }>;
  runtime: { validateMs: number; transpileMs: number; compileMs: number };
  first: { instantiateMs: number; handleMs: number; secondRequestMs: number };
  second: { instantiateMs: number; handleMs: number };
  sibling: { loadMs: number; shared: boolean; instantiateMs: number; handleMs: number } | null;
}

export interface FreshProcessResult {
  metrics: Metric[];
  /** Another JS app loaded on that node afterwards (shared engine), or why it was not measured. */
  sibling: Row[];
  /** A cache dir holding the transpiled glue, for the rest of the run. */
  warmCacheDir: string;
  /** Removes every cache dir this made, the warm one included. */
  cleanup(): Promise<void>;
}

const pick = <T>(xs: T[], f: (x: T) => number) => xs.map(f);

export async function freshProcessMetrics(src: ComponentSource, opts: { samples: number; path: string; sibling: ComponentSource | null }): Promise<FreshProcessResult> {
  const root = await mkdtemp(join(tmpdir(), "outpost-bench-fresh-"));
  const cleanup = () => rm(root, { recursive: true, force: true });
  try {
    return await measure(src, opts, root, cleanup);
  } catch (err) {
    await cleanup();
    throw err;
  }
}

async function measure(src: ComponentSource, opts: { samples: number; path: string; sibling: ComponentSource | null }, root: string, cleanup: () => Promise<void>): Promise<FreshProcessResult> {
  const args = (mode: string, cacheDir: string) => [mode, src.path, cacheDir, src.name, JSON.stringify(src.vars), opts.path, ...(mode === "fresh" && opts.sibling ? [opts.sibling.path] : [])];
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
  return { metrics, sibling: siblingRows(fresh, fp, opts.sibling ? null : "no second app: --component measures one given component"), warmCacheDir, cleanup };
}

/** The rows of the second app each fresh child loaded after the first (its engine code shared with it). */
function siblingRows(fresh: FreshSample[], fp: string, why: string | null): Row[] {
  const ids: Array<[string, string]> = [
    ["first-call.shared-engine.code-to-first-response", "another JS app on that node → 1st response"],
    ["first-call.shared-engine.load", "  ├ its load (engine code shared)"],
    ["first-call.shared-engine.instantiate", "  ├ its 1st instantiate"],
    ["first-call.shared-engine.handle", "  └ its 1st request"],
  ];
  const samples = fresh.map((f) => f.sibling).filter((s) => s !== null);
  if (why || samples.length === 0) return ids.map(([id, label]) => skipped(id, label, why ?? "the children measured no second app"));
  if (samples.some((s) => !s.shared)) throw new Error("the second app's engine was not shared with the first: runtime/data-image.ts did not split it");
  const method = `${fp}, after the rows above: another build of the example (one more line of state: another snapshot, the same engine), loaded as a region loads it`;
  return [
    metric(ids[0][0], ids[0][1], `${method}; the sum of the three rows below`, samples.map((s) => s.loadMs + s.instantiateMs + s.handleMs)),
    metric(ids[1][0], ids[1][1], "same samples: compileComponent (data image split off, the engine's compiled code found, the shape's glue)", samples.map((s) => s.loadMs)),
    metric(ids[2][0], ids[2][1], "same samples: Instance.create (its image written into the new memory)", samples.map((s) => s.instantiateMs)),
    metric(ids[3][0], ids[3][1], "same samples: handle through the HTTP bridge, in-process fakes", samples.map((s) => s.handleMs)),
  ];
}
