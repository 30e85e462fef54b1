// Compares jco transpile options (and glue patches) on the per-request and new-instance cost: for each
// variant, transpiles the component into its own directory, then in a fresh child process times N
// requests on one reused instance and M new instances with one request each (HTTP bridge, fake
// req/res). Also checks the answers of a few routes so a faster variant that answers wrong is flagged.
//
//   node_modules/.bin/node bench/profile/variants.ts [component.wasm] [--requests N] [--instances M] [--only a,b]
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

type Opts = Record<string, unknown> & { glue?: "legacy" | "current" };
export const VARIANTS: Record<string, Opts> = {
  legacy: { glue: "legacy" },
  baseline: {},
  optimized: { importBindings: "optimized" },
  hybrid: { importBindings: "hybrid" },
  "direct-optimized": { importBindings: "direct-optimized" },
  js: { importBindings: "js" },
  "valid-lifting": { validLiftingOptimization: true },
  "no-error-wrapping": { noComponentErrorWrapping: true },
};

const args = process.argv.slice(2);
const flag = (name: string, def: string) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : def; };

if (args[0] === "--child") {
  // child: args = --child dir requests instances
  const [, dir, requests, instances] = args;
  const { Instance } = await import("../../runtime/instance.ts");
  const { fakeRequest, fakeResponse } = await import("../lib/fake-http.ts");
  const { instanceOptions } = await import("../runtime/instance-options.ts");
  const { serveOnce } = await import("../runtime/serve-once.ts");
  const glue = await import(pathToFileURL(join(dir, "component.js")).href);
  const modules = new Map<string, WebAssembly.Module>();
  for (const n of await readdir(dir)) if (n.endsWith(".wasm")) modules.set(n, await WebAssembly.compile(await readFile(join(dir, n))));
  const component = { hash: "x", size: 0, imports: [], exports: [], glue, gluePath: join(dir, "component.js"), modules, timings: { validateMs: 0, transpileMs: 0, compileMs: 0 } } as any;
  const iopts = instanceOptions("variant", { GREETING: "bench", FEATURES: { echo: true } });
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  // correctness: a few routes on one instance
  const inst = await Instance.create(component, iopts);
  const checks: string[] = [];
  for (const path of ["/", "/secret", "/x?y=1"]) {
    const f = fakeResponse();
    await serveOnce(inst, fakeRequest(path), f.res);
    checks.push(`${path}:${f.status()}:${f.bytes()}`);
  }
  const reuse: number[] = [];
  let cpu0 = process.cpuUsage();
  for (let i = 0; i < 300 + Number(requests); i++) {
    if (i === 300) cpu0 = process.cpuUsage();
    const f = fakeResponse();
    const t0 = performance.now();
    await serveOnce(inst, fakeRequest("/"), f.res);
    if (i >= 300) reuse.push(performance.now() - t0);
  }
  const reuseCpu = process.cpuUsage(cpu0);
  const cpuMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000 / Number(requests);
  const inst0: number[] = []; const first: number[] = [];
  for (let i = 0; i < 3 + Number(instances); i++) {
    const f = fakeResponse();
    const t0 = performance.now();
    const x = await Instance.create(component, iopts);
    const t1 = performance.now();
    await serveOnce(x, fakeRequest("/"), f.res);
    if (i >= 3) { inst0.push(t1 - t0); first.push(performance.now() - t1); }
  }
  // the same instance again, now that other instances exist (their classes share the glue's ICs)
  const reuse2: number[] = [];
  let cpu1 = process.cpuUsage();
  for (let i = 0; i < 300 + Number(requests); i++) {
    if (i === 300) cpu1 = process.cpuUsage();
    const f = fakeResponse();
    const t0 = performance.now();
    await serveOnce(inst, fakeRequest("/"), f.res);
    if (i >= 300) reuse2.push(performance.now() - t0);
  }
  const reuse2Cpu = process.cpuUsage(cpu1);
  console.log(JSON.stringify({ checks, reuseCpu: cpuMs(reuseCpu), reuse2Cpu: cpuMs(reuse2Cpu), reuseP50: med(reuse), reuseMean: mean(reuse), reuseAfterP50: med(reuse2), instP50: med(inst0), firstP50: med(first), totalP50: med(inst0.map((v, i) => v + first[i])) }));
  process.exit(0);
}

const wasm = args.find((a) => a.endsWith(".wasm")) ?? "dist/hello.wasm";
const requests = flag("--requests", "3000");
const instances = flag("--instances", "60");
const only = flag("--only", "");
const { transpile } = await import("@bytecodealliance/jco");
const { validateComponent } = await import("../../core/component/validate.ts");
const { ASYNC_EXPORTS, SUSPENDING_IMPORTS } = await import("../../runtime/host/index.ts");
const { patchGlue } = await import("../../runtime/component.ts");
/** The glue patch before bench/profile existed: only the per-call process.env read. */
const legacyPatch = (js: string) => js
  .replace("\"use components\";", "\"use components\";\nconst __jcoDebug = !!globalThis?.process?.env?.JCO_DEBUG;")
  .replaceAll("if (!globalThis?.process?.env?.JCO_DEBUG) { return; }", "if (!__jcoDebug) { return; }");
const bytes = new Uint8Array(await readFile(wasm));
const info = await validateComponent(bytes);
const v = (iface: string, list: string[]) => list.find((i) => i.split("@")[0] === iface);
const asyncImports = Object.entries(SUSPENDING_IMPORTS).flatMap(([iface, fs]) => { const x = v(iface, info.imports); return x ? fs.map((f) => `${x}#${f}`) : []; });
const asyncExports = ASYNC_EXPORTS.flatMap((n) => { const [iface, f] = n.split("#"); const x = v(iface, info.exports); return x ? [`${x}#${f}`] : []; });
const rounds = Number(flag("--rounds", "1"));
const names = Array.from({ length: rounds }, () => (only ? only.split(",") : Object.keys(VARIANTS))).flat();
for (const name of names) {
  const extra = VARIANTS[name] ?? {};
  const dir = join("/tmp/outpost-variants", name);
  if (!existsSync(join(dir, "component.js")) && name in VARIANTS) {
    const { glue: which, ...topts } = extra;
    const out = await transpile(bytes, { name: "component", instantiation: "async", asyncMode: "jspi", asyncImports, asyncExports, noTypescript: true, quiet: true, ...topts } as any);
    await mkdir(dir, { recursive: true });
    for (const [n, data] of Object.entries(out.files)) if (n.endsWith(".wasm")) await writeFile(join(dir, n), data as Uint8Array);
    const js = new TextDecoder().decode(out.files["component.js"] as Uint8Array);
    await writeFile(join(dir, "component.js"), which === "legacy" ? legacyPatch(js) : patchGlue(js));
  }
  try {
    const r = execFileSync(process.execPath, [import.meta.filename, "--child", dir, requests, instances], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    const j = JSON.parse(r.trim().split("\n").pop()!);
    console.log(`${name.padEnd(20)} reuse p50 ${j.reuseP50.toFixed(3)} cpu ${j.reuseCpu.toFixed(3)} (after ${instances} more instances: p50 ${j.reuseAfterP50.toFixed(3)} cpu ${j.reuse2Cpu.toFixed(3)}) | instantiate p50 ${j.instP50.toFixed(2)} first handle p50 ${j.firstP50.toFixed(2)} total ${j.totalP50.toFixed(2)} | ${j.checks.join(" ")}`);
  } catch (err) {
    console.log(`${name.padEnd(20)} FAILED: ${((err as { stderr?: string }).stderr ?? String(err)).split("\n").filter(Boolean).slice(0, 6).join(" | ")}`);
  }
}
