// Turns a bundled JS module into a component the way componentize-js 0.23's componentize() does, step
// for step (splice, wizer, check_init, stubWasi, componentNew, metadataAdd), except that the spliced
// engine comes from a cache (engine.ts) instead of being re-spliced for every build, and stubWasi +
// componentNew are replaced by putting the app's data into a cached wrapper when one fits (wrapper.ts).
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { engineKey, GLOBAL_CACHE_DIR, splicedEngine, type SplicedEngine } from "./engine.ts";
import { BuildError } from "./errors.ts";
import { StepTimer } from "./steps.ts";
import { lookupWrapper, moduleSignature, rewrap, storeWrapper, wrapperKey, type Wrapper } from "./wrapper.ts";
import { patchBindings } from "./bindings-patch.ts";
import { snapshotInV8 } from "./snapshot.ts";
import { checkBuilt, validateBuilt } from "./validate.ts";
import type { ComponentInfo } from "../../core/component/validate.ts";
import { PREVIEW1_ADAPTER_PATH, loadJco, loadSplicer, loadWizer, versions, type Feature } from "./toolchain.ts";
import { featuresFor } from "./features.ts";

export { featuresFor } from "./features.ts";

export interface ComponentizeOptions {
  /** The JS module (the bundle). */
  source: string;
  /** Its file name, as it appears in stack traces ("hello.js"). */
  sourceName: string;
  /** Its static export names; an `incomingHandler` export turns off the fetch-event feature. */
  exportNames: readonly string[];
  witPath: string;
  worldName: string;
  cacheDir: string;
  /** See engine.ts; null disables the global engine cache. */
  globalCacheDir?: string | null;
  timer?: StepTimer;
  /** Rewrites bundle positions in an initialisation error to the author's files (sourcemap.ts). */
  mapError?: (text: string) => string;
  /** false: always run stub-wasi and component-new, even when a wrapper (wrapper.ts) would serve. */
  reuseWrapper?: boolean;
  /** "wizer": never take the snapshot in V8 (snapshot.ts). Default: in V8 when a wrapper vouches for the layout. */
  snapshot?: "auto" | "wizer";
  /** What the component is, in a validation error ("the component built from src/index.ts"). */
  what: string;
}

export interface ComponentizeResult {
  component: Uint8Array;
  /** Its world, checked (validate.ts): read with jco when the component was made, the wrapper's when reused. */
  info: ComponentInfo;
  engine: SplicedEngine["source"];
  /** Whether the wrapper (stub-wasi + component-new) was reused from a cache or made by this build. */
  wrapper: "reused" | "made";
  /** Who took the snapshot of the initialised app: V8 in this process (snapshot.ts) or wizer. */
  snapshot: "v8" | "wizer";
}

/** The environment componentize() hands wizer: the engine reads its exports and imports from it. */
function wizerEnv(engine: SplicedEngine, sourceName: string, features: Feature[]): Record<string, string> {
  const env: Record<string, string> = {
    DEBUG: "",
    SOURCE_NAME: sourceName,
    EXPORT_CNT: String(engine.exports.length),
    FEATURE_CLOCKS: features.includes("clocks") ? "1" : "",
  };
  for (const [idx, [name, fn]] of engine.exports.entries()) {
    env[`EXPORT${idx}_NAME`] = name;
    env[`EXPORT${idx}_ARGS`] = (fn.paramptr ? "*" : "") + fn.params.join(",");
    env[`EXPORT${idx}_RET`] = (fn.retptr ? "*" : "") + (fn.ret || "");
    env[`EXPORT${idx}_RETSIZE`] = String(fn.retsize);
  }
  for (const [idx, imp] of engine.imports.entries()) {
    env[`IMPORT${idx}_NAME`] = imp[1];
    env[`IMPORT${idx}_ARGCNT`] = String(imp[2]);
  }
  env.IMPORT_CNT = String(engine.imports.length);
  return env;
}

function run(bin: string, args: string[], env: Record<string, string>, input: string): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { env, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d));
    child.stderr.on("data", (d: Buffer) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
    child.stdin.end(input);
  });
}

/** Keeps the part of wizer's output that describes the guest's failure (as componentize() does). */
function wizerFailure(stderr: string): string {
  const cause = stderr.indexOf("Error: the `componentize.wizer` function trapped\n\nCaused by:");
  const exit = stderr.indexOf("Exited with i32 exit status");
  if (cause === -1 || exit === -1) return stderr.trim();
  const end = stderr.indexOf("\n", exit + 1);
  return `${stderr.slice(0, cause)}${end === -1 ? "" : stderr.slice(end)}`.trim();
}

/** Runs the wizened module's check_init() in a sandbox where every import throws, as componentize() does. */
async function checkInit(bin: Uint8Array): Promise<void> {
  let stderr = "";
  const module = await WebAssembly.compile(bin as Uint8Array<ArrayBuffer>);
  const imports: Record<string, Record<string, (...args: number[]) => number>> = {};
  let memory: WebAssembly.Memory | undefined;
  for (const { module: mod, name } of WebAssembly.Module.imports(module)) {
    imports[mod] ??= {};
    imports[mod][name] = () => {
      throw new Error(`Internal error: unexpected call to "${name}" during Wasm verification`);
    };
  }
  imports.wasi_snapshot_preview1 ??= {};
  imports.wasi_snapshot_preview1.fd_write = (fd, iovs, iovsLen, nwritten) => {
    if (fd !== 2 || !memory) return 0;
    const view = new DataView(memory.buffer);
    let written = 0;
    for (let i = 0; i < iovsLen; i++) {
      const ptr = view.getUint32(iovs + i * 8, true);
      const len = view.getUint32(iovs + 4 + i * 8, true);
      stderr += new TextDecoder().decode(new Uint8Array(memory.buffer, ptr, len));
      written += len;
    }
    view.setUint32(nwritten, written, true);
    return 1;
  };
  const instance = await WebAssembly.instantiate(module, imports);
  memory = instance.exports.memory as WebAssembly.Memory;
  checkInitStatus((instance.exports.check_init as () => number)(), stderr);
}

/** Throws what componentize() throws when check_init returned `status` (0 is success). */
function checkInitStatus(status: number, stderr: string): void {
  const reasons: Record<number, string> = { 1: "Unable to extract expected exports list", 2: "Unable to parse the core ABI export types" };
  if (status !== 0) {
    const reason = reasons[status] ?? `Unknown error during initialization: ${status}`;
    throw new BuildError("componentize", `componentize-js check_init failed: ${reason}${stderr ? `\n${stderr.trim()}` : ""}`);
  }
}

/** Builds the component. Throws BuildError when the app's top-level code fails during initialisation. */
export async function componentizeJs(opts: ComponentizeOptions): Promise<ComponentizeResult> {
  const timer = opts.timer ?? new StepTimer();
  const features = featuresFor(opts.exportNames);
  const engine = await timer.run("engine", () =>
    splicedEngine({ witPath: opts.witPath, worldName: opts.worldName, features, cacheDir: opts.cacheDir, globalCacheDir: opts.globalCacheDir }),
  );

  const workDir = await mkdtemp(join(tmpdir(), "outpost-componentize-"));
  const keep = process.env.OUTPOST_DEBUG === "1";
  try {
    const sourcesDir = join(workDir, "sources");
    const initializerPath = join(sourcesDir, "initializer.js");
    const outputPath = join(workDir, "out.wasm");
    const adapter = new Uint8Array(await readFile(PREVIEW1_ADAPTER_PATH));
    const key = wrapperKey(await engineKey({ witPath: opts.witPath, worldName: opts.worldName, features }), adapter, versions);
    const globalDir = opts.globalCacheDir === undefined ? GLOBAL_CACHE_DIR : opts.globalCacheDir;
    const dirs = [opts.cacheDir, ...(globalDir ? [globalDir] : [])];
    let wrapper: Wrapper | null = null;
    if (opts.reuseWrapper !== false) for (const dir of dirs) if ((wrapper = await lookupWrapper(dir, key))) break;

    await mkdir(sourcesDir);
    await writeFile(initializerPath, patchBindings(engine.jsBindings).js);
    await writeFile(join(sourcesDir, opts.sourceName), opts.source);
    // The source sits in its own directory, mapped to / in the guest, so stack traces name only the file.
    const input = `--initializer-script-path ${initializerPath} --strip-path-prefix ${sourcesDir}/ ${opts.sourceName}`;
    const env = wizerEnv(engine, opts.sourceName, features);
    // With a wrapper, whose signature says what wizer's module looks like, the snapshot is taken in V8
    // (snapshot.ts) and used when it has that signature; otherwise, or if that fails, wizer runs.
    let snapshot: "v8" | "wizer" = "wizer";
    if (wrapper && engine.instrumentedPath && opts.snapshot !== "wizer") {
      const [w, path] = [wrapper, engine.instrumentedPath];
      const mine = await timer.run("snapshot", async () => {
        const taken = await snapshotInV8({ instrumentedPath: path, sourcesDir, env, input }).catch(() => null); // wizer says why
        return taken && moduleSignature(taken.module) === w.signature ? taken : null;
      });
      const reused = mine && await timer.run("wrap", () => rewrap(w, mine.module, w.signature));
      if (mine && reused) {
        await timer.run("check-init", () => { const { status, stderr } = mine.checkInit(); checkInitStatus(status, stderr); });
        const info = await timer.run("validate", () => checkBuilt(w.info, opts.what));
        return { component: reused, info, engine: engine.source, wrapper: "reused", snapshot: "v8" };
      }
    }
    const bin = await timer.run("wizer", async () => {
      const args = ["--allow-wasi", "--init-func", "componentize.wizer", `--dir=${sourcesDir}`, `--mapdir=/::${sourcesDir}`,
        "--wasm-bulk-memory=true", "--inherit-env=true", `-o=${outputPath}`, engine.wasmPath];
      const result = await run(await loadWizer(), args, env, input);
      if (result.stdout.trim()) process.stderr.write(result.stdout);
      if (result.code !== 0 || result.signal) {
        let detail = (opts.mapError ?? ((t: string) => t))(wizerFailure(result.stderr));
        if (result.signal) detail += `\nwizer was killed by signal ${result.signal}`;
        if (keep) detail += `\n(work files kept in ${workDir})`;
        throw new BuildError("initialize", `the app failed while being initialised (its top-level code runs at build time):\n${detail}`);
      }
      return await readFile(outputPath);
    });
    await timer.run("check-init", () => checkInit(bin));
    if (wrapper) {
      const w = wrapper;
      const reused = await timer.run("wrap", async () => rewrap(w, bin));
      if (reused) {
        const info = await timer.run("validate", () => checkBuilt(w.info, opts.what));
        return { component: reused, info, engine: engine.source, wrapper: "reused", snapshot };
      }
    }
    const splicer = await loadSplicer();
    const stubbed = await timer.run("stub-wasi", () => splicer.stubWasi(bin, features, undefined, opts.witPath, opts.worldName));
    const jco = await loadJco();
    const component = await timer.run("component-new", async () => {
      const raw = await jco.componentNew(stubbed, [["wasi_snapshot_preview1", adapter]]);
      return jco.metadataAdd(raw, [
        ["language", [["JavaScript", ""]]],
        ["processed-by", [["ComponentizeJS", versions.componentizeJs]]],
      ]);
    });
    const info = await timer.run("validate", () => validateBuilt(component, opts.what));
    // Best effort: a read-only cache only costs the next build these steps again.
    const made = { component, signature: moduleSignature(bin), info };
    for (const dir of dirs) await storeWrapper(dir, key, made).catch(() => undefined);
    return { component, info, engine: engine.source, wrapper: "made", snapshot };
  } finally {
    if (!keep) await rm(workDir, { recursive: true, force: true });
  }
}
