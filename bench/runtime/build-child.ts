// Child process: builds one example app with buildApp into the given cache and output directories,
// and prints one JSON line: how long buildApp took (Node start and module loading excluded), whether
// it was a cache hit, where the engine came from, the build's own step timings, and the app's vars.
// usage: build-child.ts EXAMPLE_DIR PROJECT_CACHE_DIR OUT_DIR GLOBAL_CACHE_DIR|default|none
import { join } from "node:path";
import { buildApp } from "../../sdk/build/index.ts";
import { CONFIG_FILE_NAME, loadConfig } from "../../sdk/config/index.ts";

const [example, cacheDir, outDir, global] = process.argv.slice(2);
if (!example || !cacheDir || !outDir || !global) {
  process.stderr.write("usage: build-child.ts EXAMPLE_DIR PROJECT_CACHE_DIR OUT_DIR GLOBAL_CACHE_DIR|default|none\n");
  process.exit(2);
}
const config = await loadConfig(join(example, CONFIG_FILE_NAME));
const globalCacheDir = global === "default" ? undefined : global === "none" ? null : global;
const t0 = performance.now();
const result = await buildApp(config, { cacheDir, outDir, globalCacheDir });
const ms = performance.now() - t0;
process.stdout.write(JSON.stringify({
  ms, wasmPath: result.wasmPath, cached: result.cached, engine: result.engine ?? null, steps: result.steps, name: config.name, vars: config.vars,
}) + "\n");
