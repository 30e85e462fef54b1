// `outpost build [--component path.wasm]`: loads the config, builds (or packages a prebuilt component),
// prints each step with its time and the output paths and sizes; `--json` prints the BuildResult.
import { buildApp, packageComponent, type BuildResult } from "../../sdk/build/index.ts";
import type { CommandArgs, OptionsConfig } from "../command.ts";
import { loadAppConfig } from "../load-config.ts";
import { formatBytes, formatMs } from "../output.ts";

export const options: OptionsConfig = {
  component: { type: "string" },
  "out-dir": { type: "string" },
};

export const usage = `Usage: outpost build [--component <path.wasm>] [--out-dir <dir>] [--config <path>] [--env <name>] [--json]

Bundles the config's \`main\` module with its imports and npm dependencies, turns it into a
WebAssembly component, checks what the component imports, and writes:

  dist/<name>.wasm           the component
  dist/<name>.manifest.json  name, hash, imports, vars, bindings, limits, routes, ...

An unchanged app is served from .outpost/cache and takes well under a second.

Options:
  --component <path.wasm>  package a component built by another toolchain (Rust, C, Go, ...)
                           instead of building JavaScript; it is validated the same way
  --out-dir <dir>          where to write the outputs (default: dist next to the config)
  -c, --config <path>      config file (default ./wrangler-like.toml)
  -e, --env <name>         use the [env.<name>] section of the config
      --json               print the build result as JSON`;

const DETAIL: Record<string, string> = {
  bundle: "esbuild",
  cache: "component cache",
  engine: "spliced StarlingMonkey engine",
  wizer: "run the app's top-level code, snapshot",
  snapshot: "the same, in V8",
  "check-init": "",
  "stub-wasi": "",
  "component-new": "wasm component + preview1 adapter",
  wrap: "the app's snapshot into the cached component wrapper",
  validate: "imports and exports",
  write: "",
  read: "",
};

export async function run(args: CommandArgs): Promise<number> {
  const { out } = args;
  const config = await loadAppConfig(args);
  const component = typeof args.values.component === "string" ? args.values.component : undefined;
  const outDir = typeof args.values["out-dir"] === "string" ? args.values["out-dir"] : undefined;
  const envNote = config.env ? ` (env ${config.env})` : "";
  out.info(`${out.bold(component ? "Packaging" : "Building")} ${config.name}${envNote} ${out.dim(`from ${out.path(component ?? config.main)}`)}`);
  const started = performance.now();
  const onProgress = (step: string, ms?: number) => (ms === undefined ? out.stepStart(step, DETAIL[step]) : out.stepEnd(step, ms));
  const result: BuildResult = component
    ? await packageComponent(component, config, { outDir, onProgress })
    : await buildApp(config, { outDir, onProgress });
  const total = performance.now() - started;
  for (const w of result.warnings) out.warn(w);
  if (args.json) {
    out.result({ ...result, totalMs: Math.round(total) });
    return 0;
  }
  const how = result.cached ? "unchanged, from the cache" : result.engine ? `engine: ${result.engine}, snapshot: ${result.snapshot}, wrapper: ${result.wrapper}` : result.manifest.kind;
  out.info(`${out.green("Built")} in ${formatMs(total)} ${out.dim(`(${how})`)}`);
  out.info(`  ${out.path(result.wasmPath)}  ${formatBytes(result.manifest.size)}  ${out.dim(`sha256 ${result.manifest.sha256.slice(0, 16)}…`)}`);
  out.info(`  ${out.path(result.manifestPath)}`);
  return 0;
}
