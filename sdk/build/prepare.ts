// Readies this machine's build caches once per install (npm's postinstall runs scripts/prepare.ts): a
// minimal app built the full way leaves the spliced engine, its instrumented form and the component
// wrapper in the global cache (engine.ts, wrapper.ts), so that the first build of every JS app after
// `npm install` only bundles, snapshots in V8 and rewraps (~1 s instead of ~5 s).
import { mkdtemp, rm, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../config/index.ts";
import { buildApp, type BuildResult, type ProgressFn } from "./index.ts";

const APP = [
  "// Built once by sdk/build/prepare.ts to fill the machine's build caches.",
  "export default { fetch: () => new Response(\"ready\") };",
  "",
].join("\n");

export interface PrepareOptions {
  /** Default engine.ts's GLOBAL_CACHE_DIR. */
  globalCacheDir?: string;
  onProgress?: ProgressFn;
  /** Runs on the built component before the temp project is removed (scripts/prepare.ts has the runtime read its shape). */
  then?: (built: BuildResult, projectCacheDir: string) => Promise<void>;
}

/** Builds the minimal app into a temp project (removed afterwards); the global cache keeps what it made. */
export async function prepareMachine(opts: PrepareOptions = {}): Promise<BuildResult> {
  const dir = await mkdtemp(join(tmpdir(), "outpost-prepare-"));
  try {
    await mkdir(join(dir, "src"));
    await writeFile(join(dir, "wrangler-like.toml"), 'name = "prepare"\nmain = "src/index.ts"\ncompatibility_date = "2025-01-01"\n');
    await writeFile(join(dir, "src", "index.ts"), APP);
    const config = await loadConfig(join(dir, "wrangler-like.toml"));
    const built = await buildApp(config, { globalCacheDir: opts.globalCacheDir, onProgress: opts.onProgress });
    await opts.then?.(built, join(dir, ".outpost", "cache"));
    return built;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
