// Builds an app with a different guest shim, to measure what the shim costs per request:
//   node_modules/.bin/node bench/profile/build-variant.ts APP_DIR GUEST_INDEX.ts OUT_DIR
// then `bench/profile/loop.ts reuse 20000 OUT_DIR/<name>.wasm`. The shim's type-only imports of
// sdk/types.ts are dropped by esbuild, so a copy of sdk/guest/ anywhere works.
import { join, resolve } from "node:path";
import { buildApp } from "../../sdk/build/index.ts";
import { CONFIG_FILE_NAME, loadConfig } from "../../sdk/config/index.ts";

const [app, guest, outDir] = process.argv.slice(2);
if (!app || !guest || !outDir) {
  console.error("usage: build-variant.ts APP_DIR GUEST_INDEX.ts OUT_DIR");
  process.exit(2);
}
const config = await loadConfig(join(app, CONFIG_FILE_NAME));
const result = await buildApp(config, { outDir: resolve(outDir), cacheDir: join(resolve(outDir), ".cache"), guest: resolve(guest) });
console.log(result.wasmPath);
