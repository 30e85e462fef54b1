// Locates the componentize-js toolchain (StarlingMonkey engine, bindings splicer, wizer, preview1
// adapter) and its versions without loading it, and loads the heavy parts only when a build needs them.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { loadJco as loadJcoModule } from "../../core/component/validate.ts";
import { BINDINGS_PATCH_VERSION } from "./bindings-patch.ts";

export type Feature = "stdio" | "clocks" | "random" | "http" | "fetch-event";

/** componentize-js 0.23's DEFAULT_FEATURES (componentize.test.ts checks they still agree). */
export const DEFAULT_FEATURES: readonly Feature[] = ["stdio", "random", "clocks", "http", "fetch-event"];

export interface CoreFn { params: string[]; ret?: string; retptr: boolean; retsize: number; paramptr: boolean }
export interface SpliceResult {
  wasm: Uint8Array;
  jsBindings: string;
  exports: Array<[string, CoreFn]>;
  imports: Array<[string, string, number]>;
}
export interface Splicer {
  spliceBindings(engine: Uint8Array, features: Feature[], witWorld: string | undefined, witPath: string | undefined, worldName: string | undefined, debug: boolean): SpliceResult;
  stubWasi(wasm: Uint8Array, features: Feature[], witWorld: string | undefined, witPath: string | undefined, worldName: string | undefined): Uint8Array;
}

const componentizeMain = fileURLToPath(import.meta.resolve("@bytecodealliance/componentize-js"));
const componentizeRoot = join(dirname(componentizeMain), "..");
const jcoRoot = join(dirname(fileURLToPath(import.meta.resolve("@bytecodealliance/jco"))), "..");
// wizer is componentize-js's dependency, not ours: resolve it from there.
const wizerPackage = createRequire(componentizeMain).resolve("@bytecodealliance/wizer/package.json");

const versionOf = (packageJson: string): string => (JSON.parse(readFileSync(packageJson, "utf8")) as { version: string }).version;

export const versions = {
  componentizeJs: versionOf(join(componentizeRoot, "package.json")),
  jco: versionOf(join(jcoRoot, "package.json")),
  wizer: versionOf(wizerPackage),
  /** What Outpost rewrites in the engine's bindings (bindings-patch.ts): in every cache key that has these versions. */
  bindingsPatch: BINDINGS_PATCH_VERSION,
};

/** The release build of StarlingMonkey that componentize() uses by default. */
export const ENGINE_PATH = join(componentizeRoot, "lib", "starlingmonkey_embedding.wasm");
/** The wasi_snapshot_preview1 reactor adapter that componentize() passes to componentNew. */
export const PREVIEW1_ADAPTER_PATH = join(jcoRoot, "lib", "wasi_snapshot_preview1.reactor.wasm");

let jcoPromise: ReturnType<typeof loadJcoModule> | undefined;
/**
 * jco for building: its wasm-tools and the splicer read WIT files through preview2-shim, which has no
 * preopens by default, so the whole filesystem is preopened first (this is the build process).
 */
export function loadJco(): ReturnType<typeof loadJcoModule> {
  jcoPromise ??= (async () => {
    const fs = await import("@bytecodealliance/preview2-shim/filesystem");
    // The package's types are the browser build's; on Node, _setPreopens takes { guestPath: hostPath }.
    (fs._setPreopens as unknown as (preopens: Record<string, string>) => void)({ "/": "/" });
    return loadJcoModule();
  })();
  return jcoPromise;
}

let splicerPromise: Promise<Splicer> | undefined;
/** The bindings splicer (a Rust component transpiled by jco); it reads WIT through preview2-shim. */
export function loadSplicer(): Promise<Splicer> {
  splicerPromise ??= (async () => {
    await loadJco(); // sets the preview2-shim preopens the splicer needs to read witPath
    const url = pathToFileURL(join(componentizeRoot, "lib", "spidermonkey-embedding-splicer.js")).href;
    return ((await import(url)) as { splicer: Splicer }).splicer;
  })();
  return splicerPromise;
}

let wizerPromise: Promise<string> | undefined;
/** Path of the native wizer binary for this platform. */
export function loadWizer(): Promise<string> {
  wizerPromise ??= import(pathToFileURL(join(dirname(wizerPackage), "index.js")).href).then((m: { default: string }) => m.default);
  return wizerPromise;
}
