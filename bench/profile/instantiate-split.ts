// Where `Instance.create` spends its time: each core module's WebAssembly.instantiate (the big one
// holds StarlingMonkey: ~10,000 data segments, 3.4 MiB), and the rest (the glue's JS, the start
// function, the host imports). Times N instantiations through the glue with an instrumented
// instantiateCore, then the same core modules alone with stub imports.
//
//   node_modules/.bin/node bench/profile/instantiate-split.ts [N] [component.wasm]
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compileComponent } from "../../runtime/component.ts";
import { hostImports } from "../../runtime/host/index.ts";

const [nArg = "100", wasm = "dist/hello.wasm"] = process.argv.slice(2);
const N = Number(nArg);
const component = await compileComponent(new Uint8Array(await readFile(wasm)), { cacheDir: join(tmpdir(), "outpost-profile-cache") });
const imports = () => hostImports({
  bindings: JSON.stringify({ vars: {}, secrets: {}, kv: [], queues: [] }), kvNamespaces: new Map(), queues: new Map(),
  log: () => {}, stdio: () => {}, outgoing: { admit: () => null, failed: () => {} },
});
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const byModule = new Map<string, number[]>();
const total: number[] = [];
const names = new Map<WebAssembly.Module, string>([...component.modules].map(([n, m]) => [m, n]));
for (let i = 0; i < N + 3; i++) {
  const per = new Map<string, number>();
  const t0 = performance.now();
  await component.glue.instantiate((n) => component.modules.get(n)!, imports(), async (m, imp) => {
    const t = performance.now();
    const inst = await WebAssembly.instantiate(m, imp);
    per.set(names.get(m)!, (per.get(names.get(m)!) ?? 0) + performance.now() - t);
    return inst;
  });
  if (i < 3) continue;
  total.push(performance.now() - t0);
  for (const [n, ms] of per) (byModule.get(n) ?? byModule.set(n, []).get(n)!).push(ms);
}
console.log(`glue instantiate (whole): p50 ${med(total).toFixed(2)} ms`);
for (const [n, xs] of byModule) console.log(`  ${n}: WebAssembly.instantiate p50 ${med(xs).toFixed(2)} ms`);

// the big core module alone, stub imports, sync and async
const core = component.modules.get("component.core.wasm")!;
const stub: Record<string, Record<string, unknown>> = {};
for (const i of WebAssembly.Module.imports(core)) {
  const ns = (stub[i.module] ??= {});
  if (i.kind === "function") ns[i.name] = () => { throw new Error("stub"); };
  else if (i.kind === "memory") ns[i.name] = new WebAssembly.Memory({ initial: 1 });
  else if (i.kind === "table") ns[i.name] = new WebAssembly.Table({ initial: 1, element: "anyfunc" });
  else if (i.kind === "global") ns[i.name] = new WebAssembly.Global({ value: "i32", mutable: true }, 0);
}
const alone: number[] = [];
for (let i = 0; i < N; i++) {
  const t = performance.now();
  try { new WebAssembly.Instance(core, stub as WebAssembly.Imports); } catch (e) { if (i === 0) console.log("  (core alone:", (e as Error).message, ")"); }
  alone.push(performance.now() - t);
}
console.log(`component.core.wasm alone, new WebAssembly.Instance with stubs: p50 ${med(alone).toFixed(2)} ms`);
console.log(`exports: ${WebAssembly.Module.exports(core).filter((e) => e.kind === "memory").map((e) => e.name)} memories; imports: ${WebAssembly.Module.imports(core).map((i) => i.kind).reduce((m, k) => ({ ...m, [k]: ((m as any)[k] ?? 0) + 1 }), {})}`);
