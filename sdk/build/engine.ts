// The spliced-engine cache: StarlingMonkey with the `outpost:edge/app` bindings spliced in depends only on
// the engine, the WIT and the features, never on the app, so it is made once (~1-2.5 s) and kept in the
// project cache and in a global cache under the repo's node_modules/.cache/outpost, with its instrumented
// form for the V8 snapshot (snapshot.ts) beside it.
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { copyFile, link, mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { instrument } from "./snapshot.ts";
import { MACHINE_CACHE_DIR } from "../../core/machine-cache.ts";
import { writeAtomic } from "../../core/write-atomic.ts";
import { ENGINE_PATH, loadSplicer, versions, type CoreFn, type Feature } from "./toolchain.ts";

/** Shared by every project built with this checkout of Outpost (core/machine-cache.ts). */
export const GLOBAL_CACHE_DIR = MACHINE_CACHE_DIR;

export interface SplicedEngine {
  /** The spliced core module, ready for wizer. */
  wasmPath: string;
  /** instrument() of it, for snapshotInV8(); null when its layout is not one snapshot.ts rewrites. */
  instrumentedPath: string | null;
  /** The JS glue wizer runs as the initializer script. */
  jsBindings: string;
  exports: Array<[string, CoreFn]>;
  imports: Array<[string, string, number]>;
  /** Where it came from: made now, or found in the project or the global cache. */
  source: "spliced" | "project-cache" | "global-cache";
}

export interface EngineOptions {
  /** A directory made by witDir(); its name is the hash of its contents. */
  witPath: string;
  worldName: string;
  features: readonly Feature[];
  /** The project's cache directory. */
  cacheDir: string;
  /** Default GLOBAL_CACHE_DIR; null disables the global cache. */
  globalCacheDir?: string | null;
}

const engineHashes = new Map<string, string>();
/** The engine file's sha256, remembered per process and, by file identity (inode, size, mtime), on disk. */
async function engineHash(path: string): Promise<string> {
  let hash = engineHashes.get(path);
  if (hash) return hash;
  const st = await stat(path);
  const memo = join(GLOBAL_CACHE_DIR, "hashes", `${createHash("sha256").update(`${path}\0${st.ino}\0${st.size}\0${st.mtimeMs}`).digest("hex").slice(0, 24)}.txt`);
  hash = await readFile(memo, "utf8").catch(() => "");
  if (!/^[0-9a-f]{64}$/.test(hash)) {
    hash = createHash("sha256").update(await readFile(path)).digest("hex");
    await mkdir(join(GLOBAL_CACHE_DIR, "hashes"), { recursive: true }).then(() => writeFile(memo, hash!)).catch(() => undefined);
  }
  engineHashes.set(path, hash);
  return hash;
}

/** The cache key: engine bytes, WIT contents (the witDir name is its hash), world, features, splicer version. */
export async function engineKey(opts: Pick<EngineOptions, "witPath" | "worldName" | "features">): Promise<string> {
  const parts = [await engineHash(ENGINE_PATH), basename(opts.witPath), opts.worldName, [...opts.features].sort().join(","), versions.componentizeJs];
  return createHash("sha256").update(parts.join("\0")).digest("hex").slice(0, 24);
}

type Meta = { exports: SplicedEngine["exports"]; imports: SplicedEngine["imports"] };

const INSTRUMENTED = "engine.v8.wasm";
/** The entry's instrumented engine, when it has one. */
const instrumentedIn = (dir: string) => (existsSync(join(dir, INSTRUMENTED)) ? join(dir, INSTRUMENTED) : null);

/** Writes instrument() of `engine` into `dir` unless it is there; its path, or null when the engine has no such form. */
async function instrumented(dir: string, engine: () => Promise<Uint8Array>): Promise<string | null> {
  const path = join(dir, INSTRUMENTED);
  if (existsSync(path)) return path;
  const bytes = instrument(await engine());
  if (!bytes) return null;
  await writeAtomic(path, bytes);
  return path;
}

async function readEntry(dir: string): Promise<Omit<SplicedEngine, "source"> | null> {
  if (!existsSync(join(dir, "meta.json"))) return null; // meta.json is written last, then the dir renamed in
  try {
    const meta = JSON.parse(await readFile(join(dir, "meta.json"), "utf8")) as Meta;
    const wasmPath = join(dir, "engine.wasm");
    // Entries written before the instrumented form existed get it now (best effort: null, and wizer runs).
    const instrumentedPath = await instrumented(dir, () => readFile(wasmPath)).catch(() => null);
    return { wasmPath, instrumentedPath, jsBindings: await readFile(join(dir, "bindings.js"), "utf8"), ...meta };
  } catch {
    return null;
  }
}

/** Moves a finished temp directory into place; losing a race to another build is fine. */
async function publish(tmp: string, dir: string): Promise<void> {
  await rename(tmp, dir).catch(async (err: NodeJS.ErrnoException) => {
    await rm(tmp, { recursive: true, force: true });
    if (err.code !== "ENOTEMPTY" && err.code !== "EEXIST") throw err;
  });
}

async function writeEntry(root: string, key: string, spliced: { wasm?: Uint8Array; from?: string; jsBindings: string } & Meta): Promise<string> {
  const dir = join(root, "engines", key);
  if (existsSync(join(dir, "meta.json"))) return dir;
  const tmp = `${dir}.${process.pid}.${Date.now()}.tmp`;
  await mkdir(tmp, { recursive: true });
  const place = (from: string, name: string) => link(from, join(tmp, name)).catch(() => copyFile(from, join(tmp, name)));
  if (spliced.wasm) await writeFile(join(tmp, "engine.wasm"), spliced.wasm);
  else await place(spliced.from!, "engine.wasm");
  const theirs = spliced.from && join(dirname(spliced.from), INSTRUMENTED);
  if (theirs && existsSync(theirs)) await place(theirs, INSTRUMENTED);
  else await instrumented(tmp, async () => spliced.wasm ?? readFile(spliced.from!));
  await writeFile(join(tmp, "bindings.js"), spliced.jsBindings);
  await writeFile(join(tmp, "meta.json"), JSON.stringify({ exports: spliced.exports, imports: spliced.imports }));
  await publish(tmp, dir);
  return dir;
}

/** Returns the spliced engine for this WIT and feature set, splicing it only when no cache has it. */
export async function splicedEngine(opts: EngineOptions): Promise<SplicedEngine> {
  const key = await engineKey(opts);
  const globalDir = opts.globalCacheDir === undefined ? GLOBAL_CACHE_DIR : opts.globalCacheDir;
  const local = await readEntry(join(opts.cacheDir, "engines", key));
  if (local) return { ...local, source: "project-cache" };
  if (globalDir) {
    const global = await readEntry(join(globalDir, "engines", key));
    if (global) {
      // Link it into the project cache, so the project keeps working if the global cache is cleared.
      const { jsBindings, exports, imports } = global;
      const dir = await writeEntry(opts.cacheDir, key, { from: global.wasmPath, jsBindings, exports, imports });
      return { ...global, wasmPath: join(dir, "engine.wasm"), instrumentedPath: instrumentedIn(dir), source: "global-cache" };
    }
  }
  const splicer = await loadSplicer();
  const result = splicer.spliceBindings(await readFile(ENGINE_PATH), [...opts.features], undefined, opts.witPath, opts.worldName, false);
  const dir = await writeEntry(opts.cacheDir, key, result);
  if (globalDir) {
    // Best effort: a read-only node_modules only costs the next project one splice.
    const { jsBindings, exports, imports } = result;
    await writeEntry(globalDir, key, { from: join(dir, "engine.wasm"), jsBindings, exports, imports }).catch(() => undefined);
  }
  const { jsBindings, exports, imports } = result;
  return { wasmPath: join(dir, "engine.wasm"), instrumentedPath: instrumentedIn(dir), jsBindings, exports, imports, source: "spliced" };
}
