// Loads a component for serving: validates it, transpiles it with jco into JS glue plus core
// modules (on disk by content hash; a component of a shape seen before skips jco and compiles its
// core modules straight from its bytes: runtime/shape-reuse.ts), and compiles each core module once
// per process, through the shared code of runtime/shared-code.ts (a JS app's engine is compiled once
// for all of them; only its data image is its own: runtime/data-image.ts). The result is shared by
// every instance of the component. The pool's main thread never imports the glue (compileForThreads):
// only the worker threads that run the component do.
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { ASYNC_EXPORTS, SUSPENDING_IMPORTS } from "./host/index.ts";
import { componentShape, type ComponentShape } from "./component-shape.ts";
import { limitMemory } from "./memory-limit.ts";
import { GLUE_PATCH_VERSION, patchGlueText } from "./perf/glue-patch.ts";
import { MACHINE_CACHE_DIR } from "../core/machine-cache.ts";
import { claimShape, knownShape, rememberShape, shapeDir, writeAtomic, type ShapeRecord } from "./shape-reuse.ts";
import { loadJco, validateComponent, type ComponentInfo } from "../core/component/validate.ts";
import { bytesEqual, splitDataImage, type DataImage } from "./data-image.ts";
import { sharedCode } from "./shared-code.ts";

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
  /** The glue module on disk; a worker thread imports it from here (one file per shape when known). */
  gluePath: string;
  /** Where its core modules are on disk (when asked for: `moduleFiles`): compiled again from there after an eviction. */
  modulesDir: string;
  /** One per compile in this process: components with the same id are one compile (their modules, images). */
  compileId: string;
  /**
   * What V8 compiled lazily while an instance of this component ran is kept for every component with
   * the same key: the same glue file and the same shared module objects (runtime/shared-code.ts). Every
   * JS app of one toolchain has the same key, so a thread that warmed one need not warm the next.
   */
  warmKey: string;
  modules: Map<string, WebAssembly.Module>;
  /** The data images of the modules compiled as shared code, by module name: written into each new instance. */
  images: Map<string, DataImage>;
  /**
   * Input bytes this component alone keeps loaded: its data images and the modules compiled whole.
   * Shared code is not counted: it stays loaded while any component uses it.
   */
  ownBytes: number;
  timings: { validateMs: number; transpileMs: number; compileMs: number };
}

/** What a worker thread receives to run a component compiled by another thread (no recompile). */
export type PostedComponent = Omit<CompiledComponent, "glue">;

type CoreModules = Pick<CompiledComponent, "modules" | "images" | "ownBytes" | "warmKey">;

export interface CompileOptions {
  cacheDir: string;
  /**
   * Where shape records are shared by every project and region on the machine (default
   * core/machine-cache.ts; null: only `cacheDir`). Looked up after `cacheDir`, written with it.
   */
  sharedCacheDir?: string | null;
  /** Caps the maximum of every memory the core modules define. */
  memoryLimitBytes?: number;
  /** The bytes' SHA-256, when the caller has verified it (saves hashing the bytes again). */
  sha256?: string;
  /**
   * Write the core module files (default true), from which `recompile` compiles the component again
   * after an eviction. False when the caller can hand over the bytes again instead: no 13 MB write.
   */
  moduleFiles?: boolean;
}

/**
 * Compiled forms by compiledKey; `full` once something in this thread asked for the glue too; `files`
 * once a caller asked for the core module files.
 */
const compiled = new Map<string, { posted: Promise<PostedComponent>; full?: Promise<CompiledComponent>; files?: Promise<void> }>();
let compiles = 0;

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

async function load(bytes: Uint8Array, hash: string, cacheDir: string, shared: string | null, memoryLimitBytes?: number): Promise<PostedComponent> {
  const t = performance.now();
  const dir = join(cacheDir, "transpiled", hash);
  const shape = componentShape(bytes);
  const sharedDir = shape && shared ? shapeDir(shared, shape) : null;
  const record = shape && ((await knownShape(shapeDir(cacheDir, shape), shape)) ?? (sharedDir && (await knownShape(sharedDir, shape))));
  const base = { hash, size: bytes.byteLength, modulesDir: dir, compileId: `${compiledKey(hash, memoryLimitBytes)}#${++compiles}` };
  if (shape && record) return { ...base, ...(await fromShape(shape, record, memoryLimitBytes, t)) };
  if (!shape) return { ...base, ...(await transpiled(bytes, shape, dir, [], memoryLimitBytes, t)) };
  const claim = await claimShape(shapeDir(cacheDir, shape), shape); // another region may be transpiling it
  if ("record" in claim) return { ...base, ...(await fromShape(shape, claim.record, memoryLimitBytes, t)) };
  try {
    return { ...base, ...(await transpiled(bytes, shape, dir, [shapeDir(cacheDir, shape), ...(sharedDir ? [sharedDir] : [])], memoryLimitBytes, t)) };
  } finally {
    await claim.release();
  }
}

/**
 * A component of a known shape: its core modules compiled from its own bytes in memory (their files
 * are written only if a caller asks: `moduleFiles`); the shape's world and glue.
 */
async function fromShape(shape: ComponentShape, record: ShapeRecord, memoryLimitBytes: number | undefined, t0: number) {
  const validateMs = performance.now() - t0;
  const t = performance.now();
  const sources = record.names.map((name, i): [string, Uint8Array] => [name, shape.coreModules[i]]);
  const core = await compileCoreModules(sources, record.gluePath, memoryLimitBytes);
  const timings = { validateMs, transpileMs: 0, compileMs: performance.now() - t };
  return { imports: record.info.imports, exports: record.info.exports, gluePath: record.gluePath, ...core, timings };
}

/**
 * Writes a compiled component's core module files where `recompile` reads them, from the component's
 * bytes (their order is the order of `p.modules`); files already there (a transpile wrote them) stay.
 */
async function writeModuleFiles(p: PostedComponent, bytes: Uint8Array): Promise<void> {
  const names = [...p.modules.keys()];
  if (names.every((name) => existsSync(join(p.modulesDir, name)))) return;
  const shape = componentShape(bytes);
  if (!shape || shape.coreModules.length !== names.length) throw new Error(`cannot write the core modules of component ${p.hash}: its layout does not match its compiled form`);
  await mkdir(p.modulesDir, { recursive: true });
  await Promise.all(names.map((name, i) => (existsSync(join(p.modulesDir, name)) ? undefined : writeAtomic(join(p.modulesDir, name), shape.coreModules[i]))));
}

/** A component of a new shape (or none): validated and transpiled by jco once, its files in `dir`, its shape's record in `shapeDirs`. */
async function transpiled(bytes: Uint8Array, shape: ComponentShape | null, dir: string, shapeDirs: string[], memoryLimitBytes: number | undefined, t0: number) {
  let gluePath = join(dir, `component.${GLUE_PATCH_VERSION}.js`); // glue patches change: a new name, never stale glue
  const info = await validated(bytes, dir);
  const validateMs = performance.now() - t0;
  let t = performance.now();
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
    const glue = patchGlue(new TextDecoder().decode(out.files["component.js"]));
    await writeAtomic(gluePath, glue);
    const records = shape ? await Promise.all(shapeDirs.map((d) => rememberShape(d, shape, info, glue, out.files).catch(() => null))) : [];
    if (records[0]) gluePath = records[0].gluePath; // the same text: the next components of the shape import this one
  }
  const transpileMs = performance.now() - t;
  t = performance.now();
  const core = await compileCoreModules(await filesIn(dir), gluePath, memoryLimitBytes);
  return { imports: info.imports, exports: info.exports, gluePath, ...core, timings: { validateMs, transpileMs, compileMs: performance.now() - t } };
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

/** The core module files in `dir`, by name. */
async function filesIn(dir: string): Promise<Array<[string, Uint8Array]>> {
  const names = (await readdir(dir)).filter((name) => name.endsWith(".wasm"));
  return Promise.all(names.map(async (name): Promise<[string, Uint8Array]> => [name, await readFile(join(dir, name))]));
}

/**
 * Compiles core modules, each memory capped at `memoryLimitBytes`, through this process's shared code
 * (runtime/shared-code.ts): a module that splits into code and a data image (runtime/data-image.ts)
 * reuses the compile of the same code and has its image written into each new instance's memory
 * (runtime/instance.ts); one that does not split is shared when its bytes are the same. A split
 * module whose code does not compile alone is compiled whole (whose errors are then V8's own).
 */
async function compileCoreModules(sources: Array<[string, Uint8Array]>, gluePath: string, memoryLimitBytes?: number): Promise<CoreModules> {
  const images = new Map<string, DataImage>();
  const used = new Set<WebAssembly.Module>();
  const moduleKeys: string[] = [];
  let ownBytes = 0;
  const limit = memoryLimitBytes ?? "none";
  const limited = (name: string, bytes: Uint8Array) => (memoryLimitBytes === undefined ? bytes : limitMemory(bytes, memoryLimitBytes, { name }).bytes); // caps each defined memory's max
  const compiledModules = await Promise.all(sources.map(async ([name, bytes], i) => {
    const whole = async (): Promise<WebAssembly.Module> => {
      ownBytes += bytes.byteLength;
      const { module, id } = await sharedCode({
        key: `whole:${bytes.byteLength}:${limit}`, code: () => bytes.slice(), same: (other) => bytesEqual(other, bytes),
        compileBytes: (b) => limited(name, b),
      });
      moduleKeys[i] = `whole#${id}`;
      return module;
    };
    let split: ReturnType<typeof splitDataImage>;
    try {
      split = splitDataImage(bytes, name);
    } catch {
      return whole(); // malformed: V8 says how
    }
    if ("unchanged" in split) return whole();
    // The memory limit rewrites the code (its memory section), so it is part of the code's identity. A limit
    // below the module's initial memory throws here; a compile error means the code does not stand alone.
    const shared = await sharedCode({
      key: `code:${split.fingerprint}:${limit}`, code: () => split.code(), same: (other) => split.sameCode(other),
      compileBytes: (b) => limited(name, b),
    }).catch((err: Error) => err);
    // Two modules of one component with the same code would share one module object: the instance could not tell their images apart.
    if (shared instanceof Error || used.has(shared.module)) return whole();
    used.add(shared.module);
    moduleKeys[i] = `code#${shared.id}`;
    images.set(name, split.image);
    for (const c of split.image.chunks) ownBytes += c.bytes.byteLength;
    return shared.module;
  }));
  // The warm key (CompiledComponent.warmKey): the glue and the compiled modules.
  const warmKey = createHash("sha256").update(`${gluePath}\0${moduleKeys.join("\0")}`).digest("hex");
  return { modules: new Map(sources.map(([name], i) => [name, compiledModules[i]])), images, ownBytes, warmKey };
}

export function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

function entry(bytes: Uint8Array, opts: CompileOptions) {
  const hash = opts.sha256 ?? sha256(bytes);
  const key = compiledKey(hash, opts.memoryLimitBytes);
  let e = compiled.get(key);
  if (!e) {
    const posted = load(bytes, hash, opts.cacheDir, opts.sharedCacheDir === undefined ? MACHINE_CACHE_DIR : opts.sharedCacheDir, opts.memoryLimitBytes);
    e = { posted };
    compiled.set(key, e);
    posted.catch(() => { if (compiled.get(key)?.posted === posted) compiled.delete(key); });
  }
  if (opts.moduleFiles !== false && !e.files) {
    const mine = e;
    const files = mine.posted.then((p) => writeModuleFiles(p, bytes));
    mine.files = files;
    files.catch(() => { if (mine.files === files) mine.files = undefined; }); // the next caller asking for files tries again
  }
  return e;
}

/**
 * Compiles a component once per process (per memory limit) for worker threads to run: no glue is
 * imported here. Concurrent loads of the same bytes share the work. Resolves once the core module
 * files are written too, unless `moduleFiles` is false.
 */
export function compileForThreads(bytes: Uint8Array, opts: CompileOptions): Promise<PostedComponent> {
  return withFiles(entry(bytes, opts), opts);
}

function withFiles(e: { posted: Promise<PostedComponent>; files?: Promise<void> }, opts: CompileOptions): Promise<PostedComponent> {
  return opts.moduleFiles !== false && e.files ? Promise.all([e.posted, e.files]).then(([p]) => p) : e.posted;
}

/**
 * Compiles a component once per process (per memory limit) to run on this thread: its glue imported
 * too (counted in `timings.transpileMs`, with the transpile or the layout from a known shape).
 */
export function compileComponent(bytes: Uint8Array, opts: CompileOptions): Promise<CompiledComponent> {
  const e = entry(bytes, opts);
  e.full ??= e.posted.then(async (p) => {
    const t = performance.now();
    const c = await fromPosted(p);
    return { ...c, timings: { ...p.timings, transpileMs: p.timings.transpileMs + performance.now() - t } };
  });
  return Promise.all([e.full, withFiles(e, opts)]).then(([c]) => c);
}

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
 * Compiles again a component whose compiled modules were evicted, from its core module files on
 * disk (no validation or transpile: both were done when it was first loaded).
 */
export function recompile(p: PostedComponent, memoryLimitBytes?: number): Promise<PostedComponent> {
  const key = compiledKey(p.hash, memoryLimitBytes);
  let e = compiled.get(key);
  if (!e) {
    const posted = (async () => {
      const t = performance.now();
      const core = await compileCoreModules(await filesIn(p.modulesDir), p.gluePath, memoryLimitBytes);
      return { ...p, ...core, compileId: `${key}#${++compiles}`, timings: { validateMs: 0, transpileMs: 0, compileMs: performance.now() - t } };
    })();
    e = { posted };
    compiled.set(key, e);
    posted.catch(() => { if (compiled.get(key)?.posted === posted) compiled.delete(key); });
  }
  return e.posted;
}
