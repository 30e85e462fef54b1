// Measures what merging data segments (runtime/perf/data-segments.ts) does to instantiation: for each
// gap setting, rewrites the engine core module, compiles it, times `new WebAssembly.Instance` with stub
// imports and full `Instance.create` + one request through the glue (answer checked).
//
//   node_modules/.bin/node --expose-gc bench/profile/segments.ts [N] [component.wasm]   (GAPS=-1,0,4096 picks settings;
//   -1 is the original; with --expose-gc every instance is collected before the next is timed)
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compileComponent, type CompiledComponent } from "../../runtime/component.ts";
import { Instance } from "../../runtime/instance.ts";
import { mergeDataSegments } from "./data-segments.ts";
import { fakeRequest, fakeResponse } from "../lib/fake-http.ts";
import { instanceOptions } from "../runtime/instance-options.ts";
import { serveOnce } from "../runtime/serve-once.ts";

const [nArg = "60", wasm = "dist/hello.wasm"] = process.argv.slice(2);
const N = Number(nArg);
const cacheDir = join(tmpdir(), "outpost-profile-cache");
const component = await compileComponent(new Uint8Array(await readFile(wasm)), { cacheDir });
const dir = join(cacheDir, "transpiled", component.hash);
const coreBytes = new Uint8Array(await readFile(join(dir, "component.core.wasm")));
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function stubs(m: WebAssembly.Module): WebAssembly.Imports {
  const stub: Record<string, Record<string, WebAssembly.ImportValue>> = {};
  for (const i of WebAssembly.Module.imports(m)) {
    const ns = (stub[i.module] ??= {});
    if (i.kind === "function") ns[i.name] = () => { throw new Error("stub"); };
  }
  return stub;
}

const iopts = instanceOptions("segments", { GREETING: "bench", FEATURES: { echo: true } });
const gaps = (process.env.GAPS ?? "-1,0,64,4096,65536").split(",").map(Number);
for (const gap of gaps) {
  let core = coreBytes;
  let label = "original";
  if (gap >= 0) {
    const t = performance.now();
    const { bytes, report } = mergeDataSegments(coreBytes, { maxGap: gap });
    const ms = performance.now() - t;
    if (report.unchanged) { console.log(`gap ${gap}: unchanged (${report.unchanged})`); continue; }
    if (!WebAssembly.validate(bytes)) { console.log(`gap ${gap}: INVALID after rewrite`); continue; }
    core = bytes;
    label = `gap ≤ ${gap}: ${report.segmentsBefore} → ${report.segmentsAfter} segments, data ${(report.dataBytesBefore / 2 ** 20).toFixed(2)} → ${(report.dataBytesAfter / 2 ** 20).toFixed(2)} MiB, rewrite ${ms.toFixed(0)} ms`;
  }
  const t = performance.now();
  const mod = await WebAssembly.compile(core);
  const compileMs = performance.now() - t;
  const alone: number[] = [];
  for (let i = 0; i < N; i++) {
    const t0 = performance.now();
    new WebAssembly.Instance(mod, stubs(mod));
    alone.push(performance.now() - t0);
    (globalThis as { gc?: () => void }).gc?.();
  }
  const modules = new Map(component.modules);
  modules.set("component.core.wasm", mod);
  const c: CompiledComponent = { ...component, modules };
  const create: number[] = [];
  const first: number[] = [];
  for (let i = 0; i < N + 3; i++) {
    const f = fakeResponse();
    const t0 = performance.now();
    const inst = await Instance.create(c, iopts);
    const t1 = performance.now();
    await serveOnce(inst, fakeRequest("/"), f.res);
    if (f.status() !== 200 || f.bytes() !== 31) throw new Error(`answer ${f.status()} ${f.bytes()} bytes`);
    if (i >= 3) { create.push(t1 - t0); first.push(performance.now() - t1); }
    (globalThis as { gc?: () => void }).gc?.();
  }
  console.log(`${label}\n  compile ${compileMs.toFixed(0)} ms; core alone instantiate p50 ${med(alone).toFixed(2)} ms; Instance.create p50 ${med(create).toFixed(2)} ms; first handle p50 ${med(first).toFixed(2)} ms`);
}
