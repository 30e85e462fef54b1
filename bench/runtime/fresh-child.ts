// Child process: one fresh-process sample, printed as one JSON line.
//   cold:  load the component with an empty cache dir (validate, jco transpile, compile) → the runtime's timings.
//   fresh: with the transpiled glue on disk, time WebAssembly.compile of the core modules (bytes read
//          first, before anything else is loaded), then load the component through the runtime, then the
//          first request on a first instance (V8 lazy compilation), a second request on it, and a second
//          instance's first request. Requests go through the runtime's HTTP bridge with in-process fakes.
//   fresh with SIBLING: then another JS app of the same toolchain: its load (the engine's code shared
//          with the first, only its data image new: runtime/data-image.ts), first instance, first request.
// usage: fresh-child.ts cold|fresh COMPONENT CACHE_DIR NAME VARS_JSON PATH [SIBLING]
import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";

const [mode, componentPath, cacheDir, name, varsJson, path, siblingPath] = process.argv.slice(2);
if ((mode !== "cold" && mode !== "fresh") || !componentPath || !cacheDir || !name || !varsJson || !path) {
  process.stderr.write("usage: fresh-child.ts cold|fresh COMPONENT CACHE_DIR NAME VARS_JSON PATH\n");
  process.exit(2);
}
const bytes = new Uint8Array(await readFile(componentPath));

async function compileCoreModules() {
  const hash = createHash("sha256").update(bytes).digest("hex");
  const dir = join(cacheDir, "transpiled", hash);
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith(".wasm")).sort();
  if (names.length === 0) throw new Error(`no transpiled core modules in ${dir}; the runtime's cache layout may have changed`);
  const files = await Promise.all(names.map(async (n) => ({ name: n, bytes: new Uint8Array(await readFile(join(dir, n))) })));
  const modules: Array<{ name: string; bytes: number; ms: number }> = [];
  const t0 = performance.now();
  for (const f of files) {
    const t = performance.now();
    await WebAssembly.compile(f.bytes);
    modules.push({ name: f.name, bytes: f.bytes.byteLength, ms: performance.now() - t });
  }
  return { compileMs: performance.now() - t0, modules };
}

const compiled = mode === "fresh" ? await compileCoreModules() : null;

let t = performance.now();
const { compileComponent } = await import("../../runtime/component.ts");
const { Instance } = await import("../../runtime/instance.ts");
const { fakeRequest, fakeResponse } = await import("../lib/fake-http.ts");
const { instanceOptions } = await import("./instance-options.ts");
const { serveOnce } = await import("./serve-once.ts");
const importMs = performance.now() - t;

const component = await compileComponent(bytes, { cacheDir });
if (mode === "cold") {
  process.stdout.write(JSON.stringify({ mode, importMs, ...component.timings }) + "\n");
  process.exit(0);
}

const opts = instanceOptions(name, JSON.parse(varsJson) as Record<string, unknown>);
async function request(inst: Awaited<ReturnType<typeof Instance.create>>): Promise<number> {
  const fake = fakeResponse();
  const start = performance.now();
  await serveOnce(inst, fakeRequest(path), fake.res);
  const ms = performance.now() - start;
  if (fake.status() !== 200) throw new Error(`GET ${path} answered ${fake.status()}; the benchmark needs 200`);
  return ms;
}
async function newInstance() {
  const start = performance.now();
  const inst = await Instance.create(component, opts);
  return { inst, instantiateMs: performance.now() - start };
}

const a = await newInstance();
const firstHandleMs = await request(a.inst);
const secondRequestMs = await request(a.inst);
const b = await newInstance();
const secondInstanceHandleMs = await request(b.inst);

let sibling: { loadMs: number; shared: boolean; instantiateMs: number; handleMs: number } | null = null;
if (siblingPath) {
  const other = new Uint8Array(await readFile(siblingPath));
  const start = performance.now();
  const c = await compileComponent(other, { cacheDir, moduleFiles: false }); // as a region loads it: no module files
  const loadMs = performance.now() - start;
  const t1 = performance.now();
  const inst = await Instance.create(c, opts);
  sibling = { loadMs, shared: c.images.size > 0, instantiateMs: performance.now() - t1, handleMs: await request(inst) };
}
process.stdout.write(JSON.stringify({
  mode, importMs, ...compiled!, runtime: component.timings,
  first: { instantiateMs: a.instantiateMs, handleMs: firstHandleMs, secondRequestMs },
  second: { instantiateMs: b.instantiateMs, handleMs: secondInstanceHandleMs },
  sibling,
}) + "\n");
