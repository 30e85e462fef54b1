// `outpost build` as a library: unchanged inputs (inputs.ts) → or bundle → cache lookup → componentize →
// validate → write `dist/<name>.wasm` and `dist/<name>.manifest.json`; or, for `--component`, validate
// a prebuilt one.
import { createHash } from "node:crypto";
import { copyFile, mkdir, readFile, rename } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import type { ComponentInfo } from "../../core/component/validate.ts";
import type { AppConfig } from "../../core/config/model.ts";
import { bundleApp, GUEST_SHIM } from "./bundle.ts";
import { fingerprint, readLastBuild, sourcesRead, writeLastBuild } from "./inputs.ts";
import { componentKey, lookupComponent, storeComponent, type CachedComponent, type CachedInfo } from "./cache.ts";
import { featuresFor } from "./features.ts";
import { checkBuilt, validateBuilt } from "./validate.ts";
import type { SplicedEngine } from "./engine.ts";
import { BuildError } from "./errors.ts";
import { makeManifest } from "./manifest.ts";
import { writeAtomic } from "../../core/write-atomic.ts";
import type { Manifest } from "../../core/manifest.ts";
import { mapPositions } from "./sourcemap.ts";
import { StepTimer, type ProgressFn, type StepTiming } from "./steps.ts";
import { versions } from "./toolchain.ts";
import { WORLD, witDir } from "./wit.ts";

export { BuildError } from "./errors.ts";
export type { ProgressFn, StepTiming } from "./steps.ts";

export interface BuildOptions {
  /** Default `<config.dir>/dist`. */
  outDir?: string;
  /** Default `<config.dir>/.outpost/cache`. */
  cacheDir?: string;
  /** Called with (step) when a step starts and (step, ms) when it ends. */
  onProgress?: ProgressFn;
  /** The spliced-engine cache shared by projects (engine.ts); null turns it off. */
  globalCacheDir?: string | null;
  /** The guest shim module (default sdk/guest/index.ts); tests substitute their own. */
  guest?: string;
  /** false: never reuse a cached component wrapper (wrapper.ts); stub-wasi and component-new always run. */
  reuseWrapper?: boolean;
  /** "wizer": never take the app's snapshot in V8 (snapshot.ts). */
  snapshot?: "auto" | "wizer";
}

export interface BuildResult {
  wasmPath: string;
  manifestPath: string;
  manifest: Manifest;
  /** True when the component came from the component cache (no componentize). */
  cached: boolean;
  steps: StepTiming[];
  /** esbuild warnings, formatted `file:line:col: text`. */
  warnings: string[];
  /** Where the spliced engine came from, when componentize ran. */
  engine?: SplicedEngine["source"];
  /** When componentize ran: whether the component wrapper was reused from a cache or made (wrapper.ts). */
  wrapper?: "reused" | "made";
  /** When componentize ran: who took the app's snapshot, V8 in this process (snapshot.ts) or wizer. */
  snapshot?: "v8" | "wizer";
  /** When componentize ran: the bytes written to `wasmPath` (a caller that sends them need not read them back). */
  component?: Uint8Array;
}

const outDirOf = (config: AppConfig, opts: BuildOptions) => resolve(config.dir, opts.outDir ?? "dist");
const cacheDirOf = (config: AppConfig, opts: BuildOptions) => resolve(config.dir, opts.cacheDir ?? join(".outpost", "cache"));

async function writeOutputs(config: AppConfig, opts: BuildOptions, kind: Manifest["kind"], component: CachedComponent | { bytes: Uint8Array; info: CachedInfo }) {
  const outDir = outDirOf(config, opts);
  await mkdir(outDir, { recursive: true });
  const wasmPath = join(outDir, `${config.name}.wasm`);
  const manifestPath = join(outDir, `${config.name}.manifest.json`);
  if ("wasmPath" in component) {
    const tmp = `${wasmPath}.${process.pid}.tmp`;
    await copyFile(component.wasmPath, tmp);
    await rename(tmp, wasmPath);
  } else {
    await writeAtomic(wasmPath, component.bytes);
  }
  const manifest = makeManifest(config, kind, component.info);
  await writeAtomic(manifestPath, JSON.stringify(manifest, null, 2) + "\n");
  return { wasmPath, manifestPath, manifest };
}

function describe(bytes: Uint8Array, info: ComponentInfo): CachedInfo {
  return { ...info, sha256: createHash("sha256").update(bytes).digest("hex"), size: bytes.length };
}

/** Builds a JS/TS app into a component plus manifest, reusing the cache when the bundle is unchanged. */
export async function buildApp(config: AppConfig, opts: BuildOptions = {}): Promise<BuildResult> {
  const timer = new StepTimer(opts.onProgress);
  const cacheDir = cacheDirOf(config, opts);
  const salt = JSON.stringify({ main: config.main, name: config.name, guest: opts.guest ?? GUEST_SHIM, world: WORLD, versions });
  const cachedOutputs = async (hit: CachedComponent, warnings: string[]): Promise<BuildResult> => {
    // Rules may have changed since the entry was stored; checking the recorded lists is instant.
    checkBuilt(hit.info, config.name);
    const out = await timer.run("write", () => writeOutputs(config, opts, "js", hit));
    return { ...out, cached: true, steps: timer.steps, warnings };
  };
  const last = await readLastBuild(cacheDir);
  if (last) {
    const hit = await timer.run("inputs", async () =>
      (await fingerprint(last.inputs, config.dir, salt)) === last.fingerprint ? lookupComponent(cacheDir, last.key) : null);
    if (hit) return cachedOutputs(hit, last.warnings);
  }
  const bundle = await timer.run("bundle", () => bundleApp(config, { guest: opts.guest }));
  const sourceName = `${config.name}.js`;
  const features = featuresFor(bundle.exports);
  const witPath = await witDir(cacheDir);
  const key = componentKey({ bundle: bundle.code, sourceName, witHash: basename(witPath), worldName: WORLD, features, versions });
  const remember = async () => {
    const print = await fingerprint(bundle.inputs, config.dir, salt, sourcesRead(bundle.map, config.dir));
    const record = { fingerprint: print ?? "", key, warnings: bundle.warnings, exports: bundle.exports, inputs: bundle.inputs };
    if (print) await writeLastBuild(cacheDir, record).catch(() => undefined);
  };
  const hit = await timer.run("cache", () => lookupComponent(cacheDir, key));
  if (hit) {
    await remember();
    return cachedOutputs(hit, bundle.warnings);
  }
  const { componentizeJs } = await import("./componentize.ts"); // loaded only when a build componentizes
  const { component, info: world, engine, wrapper, snapshot } = await componentizeJs({
    source: bundle.code,
    sourceName,
    exportNames: bundle.exports,
    witPath,
    worldName: WORLD,
    cacheDir,
    globalCacheDir: opts.globalCacheDir,
    timer,
    mapError: (text) => mapPositions(text, sourceName, bundle.map, config.dir),
    reuseWrapper: opts.reuseWrapper,
    snapshot: opts.snapshot,
    what: `the component built from ${config.main}`,
  });
  const out = await timer.run("write", async () => writeOutputs(config, opts, "js", await storeComponent(cacheDir, key, component, describe(component, world))));
  await remember();
  return { ...out, cached: false, steps: timer.steps, warnings: bundle.warnings, engine, wrapper, snapshot, component };
}

/** Validates a prebuilt component (any language) and writes it with a manifest, as buildApp does. */
export async function packageComponent(path: string, config: AppConfig, opts: BuildOptions = {}): Promise<BuildResult> {
  const timer = new StepTimer(opts.onProgress);
  const file = resolve(path);
  const bytes = await timer.run("read", async () => {
    try {
      return new Uint8Array(await readFile(file));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new BuildError("input", `${path}: ${code === "ENOENT" ? "no such file" : (err as Error).message}`);
    }
  });
  const info = await timer.run("validate", async () => describe(bytes, await validateBuilt(bytes, path)));
  const out = await timer.run("write", () => writeOutputs(config, opts, "prebuilt", { bytes, info }));
  return { ...out, cached: false, steps: timer.steps, warnings: [] };
}
