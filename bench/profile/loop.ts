// A tight in-process loop to profile the runtime with `--cpu-prof`: reuse one instance for N requests
// (ComponentApp.serve with fake req/res), or create N new instances and serve one request on each.
// Prints mean and median per request; not part of the bench tables (see bench/runtime.ts for those).
//
//   node_modules/.bin/node --cpu-prof --cpu-prof-dir=/tmp/prof bench/profile/loop.ts reuse 20000
//   node_modules/.bin/node bench/profile/loop.ts new 300 [component.wasm] [path]
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ComponentApp } from "../../runtime/app.ts";
import { compileComponent } from "../../runtime/component.ts";
import { Instance } from "../../runtime/instance.ts";
import { fakeRequest, fakeResponse } from "../lib/fake-http.ts";
import { instanceOptions } from "../runtime/instance-options.ts";
import { serveOnce } from "../runtime/serve-once.ts";

const argv = process.argv.slice(2);
const hi = argv.indexOf("--headers");
/** Extra request headers, like a browser's, on every fake request (`--headers N`, default 0). */
const extraHeaders = hi >= 0 ? Number(argv.splice(hi, 2)[1]) : 0;
const ii = argv.indexOf("--others");
/**
 * Reuse mode: instances of the same component created (and used once) before the loop (`--others K`),
 * as in a process serving many apps or a pool: the glue's per-instance classes then share V8's
 * inline caches, which a single-instance loop never shows.
 */
const others = ii >= 0 ? Number(argv.splice(ii, 2)[1]) : 0;
const [mode = "reuse", countArg = "20000", wasm = "dist/hello.wasm", path = "/"] = argv;
const BROWSER = [
  ["user-agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0 Safari/537.36"],
  ["accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"], ["accept-language", "en-US,en;q=0.9"],
  ["accept-encoding", "gzip, deflate, br"], ["cache-control", "no-cache"], ["pragma", "no-cache"], ["sec-fetch-mode", "navigate"],
  ["sec-fetch-site", "none"], ["upgrade-insecure-requests", "1"], ["cookie", "session=0123456789abcdef; theme=dark"],
];
function request(p: string) {
  const req = fakeRequest(p) as unknown as { headers: Record<string, string>; rawHeaders: string[] };
  for (const [k, v] of BROWSER.slice(0, extraHeaders)) { req.headers[k] = v; req.rawHeaders.push(k, v); }
  return req as unknown as ReturnType<typeof fakeRequest>;
}
const count = Number(countArg);
if ((mode !== "reuse" && mode !== "new") || !Number.isFinite(count)) {
  console.error("usage: loop.ts reuse|new COUNT [component.wasm] [path]");
  process.exit(2);
}
const bytes = new Uint8Array(await readFile(wasm));
const cacheDir = process.env.OUTPOST_PROFILE_CACHE ?? join(tmpdir(), "outpost-profile-cache");
const vars = { GREETING: "bench", FEATURES: { echo: true } };

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const report = (label: string, xs: number[]) =>
  console.log(`${label}: n=${xs.length} mean ${(xs.reduce((a, b) => a + b, 0) / xs.length).toFixed(3)} ms, p50 ${median(xs).toFixed(3)} ms`);

if (mode === "reuse") {
  const app = await ComponentApp.load(bytes, { name: "profile", vars, onLog: (e) => { if (e.level === "error") console.error(`log: ${e.message}`); }, cacheDir });
  await app.warm();
  const keep: Instance[] = [];
  for (let i = 0; i < others; i++) {
    const inst = await Instance.create(app.component, instanceOptions("other", vars));
    await serveOnce(inst, request(path), fakeResponse().res);
    keep.push(inst);
  }
  const samples: number[] = [];
  const warmup = Math.min(500, count / 10);
  let cpu = process.threadCpuUsage();
  for (let i = 0; i < warmup + count; i++) {
    if (i === warmup) cpu = process.threadCpuUsage();
    const fake = fakeResponse();
    const t0 = performance.now();
    await app.serve(request(path), fake.res);
    if (i >= warmup) samples.push(performance.now() - t0);
    if (fake.status() !== 200) throw new Error(`status ${fake.status()}`);
  }
  const used = process.threadCpuUsage(cpu);
  report("reuse per request", samples);
  console.log(`  main-thread CPU per request: ${((used.user + used.system) / 1000 / count).toFixed(3)} ms`);
  if (app.stats.discarded !== 0) throw new Error(`${app.stats.discarded} instances discarded`);
} else {
  const component = await compileComponent(bytes, { cacheDir });
  const iopts = instanceOptions("profile", vars);
  const inst: number[] = [];
  const handle: number[] = [];
  const total: number[] = [];
  const faults = { create: 0, handle: 0, second: 0 };
  const second: number[] = [];
  for (let i = 0; i < 3 + count; i++) {
    const fake = fakeResponse();
    const f0 = process.resourceUsage().minorPageFault;
    const t0 = performance.now();
    const instance = await Instance.create(component, iopts);
    const t1 = performance.now();
    const f1 = process.resourceUsage().minorPageFault;
    await serveOnce(instance, request(path), fake.res);
    const t2 = performance.now();
    const f2 = process.resourceUsage().minorPageFault;
    await serveOnce(instance, request(path), fakeResponse().res);
    second.push(performance.now() - t2);
    if (i >= 3) { faults.create += f1 - f0; faults.handle += f2 - f1; faults.second += process.resourceUsage().minorPageFault - f2; }
    if (fake.status() !== 200) throw new Error(`status ${fake.status()}`);
    if (i < 3) continue;
    inst.push(t1 - t0); handle.push(t2 - t1); total.push(t2 - t0);
  }
  report("new instance -> first response", total);
  report("  instantiate", inst);
  report("  first handle", handle);
  report("  second request on that instance", second);
  console.log(`  minor page faults per instance: create ${(faults.create / count).toFixed(0)}, first handle ${(faults.handle / count).toFixed(0)}, second request ${(faults.second / count).toFixed(0)}`);
}
