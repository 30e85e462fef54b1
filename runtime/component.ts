// Loads a component for serving: validates it, transpiles it with jco into JS glue plus core
// modules (cached on disk by content hash), and compiles each core module once per process.
// The result is shared by every instance of the component.
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { ASYNC_EXPORTS, SUSPENDING_IMPORTS } from "./host/index.ts";
import { componentShape, type ComponentShape } from "./component-shape.ts";
import { limitMemory } from "./memory-limit.ts";
import { GLUE_PATCH_VERSION, patchGlueText } from "./perf/glue-patch.ts";
import { loadJco, validateComponent, type ComponentInfo } from "./validate.ts";

export type Glue = {
  instantiate(
    getCoreModule: (name: string) => WebAssembly.Module,
    imports: Record<string, Record<string, unknown>>,
    instantiateCore?: (module: WebAssembly.Module, imports: WebAssembly.Imports) => Promise<WebAssembly.Instance>,
  ): Promise<Record<string, Record<string, (...args: any[]) => any>>>;
};

export interface CompiledComponent {
  hash: string;
  size: number;
  imports: string[];
  exports: string[];
  glue: Glue;
  /** The glue module on disk; a worker thread imports it from here. */
  gluePath: string;
  modules: Map<string, WebAssembly.Module>;
  timings: { validateMs: number; transpileMs: number; compileMs: number };
}

const compiled = new Map<string, Promise<CompiledComponent>>();

function versionOf(iface: string, imports: string[]): string | undefined {
  return imports.find((i) => i.split("@")[0] === iface);
}

/** jco wants `iface@version#func` for the imports and exports that suspend or are async (JSPI). */
function asyncNames(imports: string[], exports: string[]) {
  const asyncImports: string[] = [];
  for (const [iface, funcs] of Object.entries(SUSPENDING_IMPORTS)) {
    const versioned = versionOf(iface, imports);
    if (versioned) for (const f of funcs) asyncImports.push(`${versioned}#${f}`);
  }
  const asyncExports: string[] = [];
  for (const name of ASYNC_EXPORTS) {
    const [iface, func] = name.split("#");
    const versioned = versionOf(iface, exports);
    if (versioned) asyncExports.push(`${versioned}#${func}`);
  }
  return { asyncImports, asyncExports };
}

/**
 * Rewrites jco's glue for speed (see runtime/perf/glue-patch.ts): process.env.JCO_DEBUG read once
 * per module, debug-log arguments built only when debugging, and synchronous host imports called
 * without the async-task bookkeeping. Shapes it does not recognise are left as generated.
 */
export function patchGlue(js: string): string {
  return patchGlueText(js).js;
}

async function writeAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  await writeFile(tmp, data);
  await rename(tmp, path);
}

async function load(bytes: Uint8Array, hash: string, cacheDir: string, memoryLimitBytes?: number): Promise<CompiledComponent> {
  let t = performance.now();
  const dir = join(cacheDir, "transpiled", hash);
  const gluePath = join(dir, `component.${GLUE_PATCH_VERSION}.js`); // glue patches change: a new name, never stale glue
  const shape = existsSync(gluePath) ? null : componentShape(bytes);
  const shapeDir = shape && join(cacheDir, "shapes", `${shape.key}.${GLUE_PATCH_VERSION}`);
  if (shape && shapeDir) await reuseShape(shape, shapeDir, dir, gluePath);
  const info = await validated(bytes, dir);
  const validateMs = performance.now() - t;

  t = performance.now();
  if (!existsSync(gluePath)) {
    const { asyncImports, asyncExports } = asyncNames(info.imports, info.exports);
    const { transpile } = await loadJco(); // only on a cache miss: a worker thread never loads jco
    const out = await transpile(bytes, {
      name: "component", instantiation: "async", asyncMode: "jspi", asyncImports, asyncExports,
      noTypescript: true, quiet: true,
    });
    await mkdir(dir, { recursive: true });
    for (const [name, data] of Object.entries(out.files)) {
      if (!name.endsWith(".wasm")) continue; // type declarations and the glue (written last) are skipped
      await writeAtomic(join(dir, name), data);
    }
    await writeAtomic(gluePath, patchGlue(new TextDecoder().decode(out.files["component.js"])));
    if (shape && shapeDir) await rememberShape(shape, shapeDir, dir, gluePath, out.files);
  }
  const glue = (await import(pathToFileURL(gluePath).href)) as Glue;
  const transpileMs = performance.now() - t;

  t = performance.now();
  const modules = await compileCoreModules(dir, memoryLimitBytes);
  const compileMs = performance.now() - t;
  return { hash, size: bytes.byteLength, imports: info.imports, exports: info.exports, glue, gluePath, modules, timings: { validateMs, transpileMs, compileMs } };
}

/**
 * Remembers what this transpile produced for the component's shape (runtime/component-shape.ts):
 * the glue, the world and which core module became which file. Only when extracting the core
 * modules from the component reproduces jco's files exactly; otherwise the shape is not reused.
 */
async function rememberShape(shape: ComponentShape, shapeDir: string, dir: string, gluePath: string, files: Record<string, Uint8Array>): Promise<void> {
  const wasmFiles = Object.entries(files).filter(([name]) => name.endsWith(".wasm"));
  if (wasmFiles.length !== shape.coreModules.length) return;
  const names: string[] = [];
  for (const module of shape.coreModules) {
    const match = wasmFiles.find(([name, data]) => !names.includes(name) && Buffer.compare(data, module) === 0);
    if (!match) return;
    names.push(match[0]);
  }
  await mkdir(shapeDir, { recursive: true });
  await writeAtomic(join(shapeDir, "glue.js"), await readFile(gluePath));
  await writeAtomic(join(shapeDir, "world.json"), await readFile(join(dir, "world.json")));
  await writeAtomic(join(shapeDir, "modules.json"), JSON.stringify(names)); // written last: marks the shape complete
}

/** Lays out a component of a known shape without jco: its own core modules, the shape's glue and world. */
async function reuseShape(shape: ComponentShape, shapeDir: string, dir: string, gluePath: string): Promise<void> {
  let names: string[];
  try {
    names = JSON.parse(await readFile(join(shapeDir, "modules.json"), "utf8")) as string[];
  } catch {
    return; // not seen yet
  }
  if (names.length !== shape.coreModules.length) return;
  await mkdir(dir, { recursive: true });
  for (const [i, name] of names.entries()) await writeAtomic(join(dir, name), shape.coreModules[i]);
  await writeAtomic(join(dir, "world.json"), await readFile(join(shapeDir, "world.json")));
  await writeAtomic(gluePath, await readFile(join(shapeDir, "glue.js")));
}

/**
 * The component's validated world. The result is kept beside its transpiled files: the same hash
 * is the same bytes, so a restart does not read the world again (~100 ms).
 */
async function validated(bytes: Uint8Array, dir: string): Promise<ComponentInfo> {
  const file = join(dir, "world.json");
  try {
    return JSON.parse(await readFile(file, "utf8")) as ComponentInfo;
  } catch {
    const info = await validateComponent(bytes);
    await mkdir(dir, { recursive: true });
    await writeAtomic(file, JSON.stringify(info));
    return info;
  }
}

/** Compiles the transpiled core modules in `dir`, each memory capped at `memoryLimitBytes`. */
async function compileCoreModules(dir: string, memoryLimitBytes?: number): Promise<Map<string, WebAssembly.Module>> {
  const modules = new Map<string, WebAssembly.Module>();
  for (const name of await readdir(dir)) {
    if (!name.endsWith(".wasm")) continue;
    let core: Uint8Array<ArrayBuffer> = await readFile(join(dir, name));
    if (memoryLimitBytes !== undefined) core = limitMemory(core, memoryLimitBytes, { name }).bytes; // caps each defined memory's max
    modules.set(name, await WebAssembly.compile(core));
  }
  return modules;
}

export function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/**
 * Compiles a component once per process (per memory limit); concurrent loads of the same bytes share
 * the work. `memoryLimitBytes` caps the maximum of every memory the core modules define.
 */
export function compileComponent(bytes: Uint8Array, opts: { cacheDir: string; memoryLimitBytes?: number }): Promise<CompiledComponent> {
  const hash = sha256(bytes);
  const key = compiledKey(hash, opts.memoryLimitBytes);
  let p = compiled.get(key);
  if (!p) {
    p = load(bytes, hash, opts.cacheDir, opts.memoryLimitBytes);
    compiled.set(key, p);
    p.catch(() => compiled.delete(key));
  }
  return p;
}

/** What a worker thread receives to run a component compiled by another thread (no recompile). */
export type PostedComponent = Omit<CompiledComponent, "glue">;

export function postable(c: CompiledComponent): PostedComponent {
  const { glue: _glue, ...rest } = c;
  return rest;
}

/** Rebuilds a CompiledComponent from one posted by another thread: imports its glue, keeps the modules. */
export async function fromPosted(p: PostedComponent): Promise<CompiledComponent> {
  const glue = (await import(pathToFileURL(p.gluePath).href)) as Glue;
  return { ...p, glue };
}

/** The key of one compiled form of a component: its hash and the memory limit applied. */
export function compiledKey(hash: string, memoryLimitBytes?: number): string {
  return `${hash}:${memoryLimitBytes ?? "none"}`;
}

/** Forgets a compiled component so its modules can be collected once nothing else holds them. */
export function forgetCompiled(key: string): void {
  compiled.delete(key);
}

/**
 * Compiles again a component whose compiled modules were evicted, from its transpiled files on
 * disk (no validation or transpile: both were done when it was first loaded).
 */
export function recompile(p: PostedComponent, memoryLimitBytes?: number): Promise<CompiledComponent> {
  const key = compiledKey(p.hash, memoryLimitBytes);
  let c = compiled.get(key);
  if (!c) {
    c = (async () => {
      const t = performance.now();
      const modules = await compileCoreModules(dirname(p.gluePath), memoryLimitBytes);
      const glue = (await import(pathToFileURL(p.gluePath).href)) as Glue;
      return { ...p, glue, modules, timings: { validateMs: 0, transpileMs: 0, compileMs: performance.now() - t } };
    })();
    compiled.set(key, c);
    c.catch(() => compiled.delete(key));
  }
  return c;
}
