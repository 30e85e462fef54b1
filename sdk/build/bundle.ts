// Step 1 of `outpost build`: bundles the app's entry module, its npm dependencies and the guest shim
// into one ES module with esbuild, leaving `wasi:*` and `outpost:*` imports for componentize-js to bind.
import type { Message } from "esbuild";
import { existsSync } from "node:fs";
import { isAbsolute, join, relative, resolve } from "node:path";
import { BuildError, formatAt, type SourceLocation } from "./errors.ts";
import { inputFiles } from "./inputs.ts";
import { RegexError, rewriteRegexes } from "./regex.ts";
import { originalLocation } from "./sourcemap.ts";

const sdkRoot = join(import.meta.dirname, "..");
/** The module `import ... from "outpost"` resolves to. */
export const OUTPOST_SDK_ENTRY = join(sdkRoot, "index.ts");
/** The guest shim that turns wasi:http into `fetch(request, env, ctx)`. */
export const GUEST_SHIM = join(sdkRoot, "guest", "index.ts");
/** The guest runtime's web API fixes (sdk/guest/web), imported first so they are in place before the app's module evaluates. */
export const GUEST_WEB = join(sdkRoot, "guest", "web", "index.ts");

export interface BundleOptions {
  /** The guest shim module exporting `serve(worker)`; default GUEST_SHIM. */
  guest?: string;
}

export interface Bundle {
  code: string;
  /** Source map JSON for `code` (never embedded in it); sources are relative to the app's dir. */
  map: string;
  /** Export names of the bundle, read from esbuild's metafile. */
  exports: string[];
  /** Formatted esbuild warnings (file:line:column: text). */
  warnings: string[];
  /** The source files that went in, absolute. */
  inputs: string[];
}

/** The generated entry: the web API fixes installed, the user's default export handed to the shim, its handlers exported. */
export function entrySource(main: string, guest: string): string {
  return [
    `import ${JSON.stringify(GUEST_WEB)};`, // ES modules evaluate in import order: the fixes first
    `import worker from ${JSON.stringify(main)};`,
    `import { serve } from ${JSON.stringify(guest)};`,
    `const app = serve(worker);`,
    `export const incomingHandler = app.incomingHandler;`,
    `export const scheduledHandler = app.scheduledHandler;`,
    `export const queueHandler = app.queueHandler;`,
    ``,
  ].join("\n");
}

const ENTRY_NAME = "<outpost entry>";

/** Where an esbuild message points in the user's files (the file relative to `cwd` when inside it), or null. */
export function locationOf(msg: Message, dir: string, cwd = process.cwd()): SourceLocation | null {
  const loc = msg.location;
  if (!loc || !loc.file || loc.file === ENTRY_NAME) return null;
  const abs = isAbsolute(loc.file) ? loc.file : resolve(dir, loc.file);
  const shown = abs.startsWith(cwd + "/") ? relative(cwd, abs) : abs;
  return { file: shown, line: loc.line, column: loc.column + 1, lineText: loc.lineText || undefined };
}

/** Formats one esbuild message as `file:line:col: text`, with the source line and a caret. */
export function formatMessage(msg: Message, dir: string, cwd = process.cwd()): string {
  const where = locationOf(msg, dir, cwd);
  if (!where) return msg.text;
  let out = formatAt(where, msg.text);
  for (const note of msg.notes ?? []) if (note.text) out += `\n  note: ${note.text}`;
  return out;
}

/** Rewrites the errors a user meets on the generated entry into advice about their own file. */
function explain(msg: Message, main: string, dir: string): string {
  if (msg.location?.file === ENTRY_NAME) {
    if (/No matching export .* for import "default"/.test(msg.text)) {
      return `${relative(process.cwd(), main) || main}: has no default export; write \`export default { async fetch(request, env, ctx) { ... } } satisfies Worker<Env>\``;
    }
    if (msg.text.includes("Could not resolve")) return `${msg.text} (the entry module of the app or the Outpost guest shim is missing)`;
  }
  if (/Could not resolve "node:/.test(msg.text)) return `${formatMessage(msg, dir)}\n  Outpost apps run in WebAssembly, not Node: Node built-in modules are not available`;
  return formatMessage(msg, dir);
}

/** The bundle with the regex literals the engine cannot compile rewritten (regex.ts); one it cannot rewrite is a BuildError at the author's line. */
async function forEngine(code: string, map: string, dir: string): Promise<string> {
  try {
    return (await rewriteRegexes(code)).code;
  } catch (err) {
    if (!(err instanceof RegexError)) throw err;
    const where = originalLocation(map, err.line, err.column, dir);
    throw new BuildError("bundle", where ? formatAt(where, err.message) : err.message, { locations: where ? [where] : [] });
  }
}

export async function bundleApp(config: { dir: string; main: string }, opts: BundleOptions = {}): Promise<Bundle> {
  const guest = opts.guest ?? GUEST_SHIM;
  if (!existsSync(guest)) throw new BuildError("bundle", `the Outpost guest shim is missing: ${guest}`);
  const { build } = await import("esbuild"); // here, not at the top: an unchanged build (inputs.ts) never loads it
  let result;
  try {
    result = await build({
      stdin: { contents: entrySource(config.main, guest), resolveDir: config.dir, sourcefile: ENTRY_NAME, loader: "js" },
      absWorkingDir: config.dir,
      outfile: join(config.dir, "bundle.js"), // names the output in the metafile; nothing is written
      write: false,
      bundle: true,
      format: "esm",
      platform: "neutral",
      target: "es2022",
      // Worker-style package resolution, as wrangler does: prefer browser/worker builds of npm packages.
      mainFields: ["browser", "module", "main"],
      conditions: ["workerd", "worker", "browser"],
      external: ["wasi:*", "outpost:*"],
      define: { "process.env.NODE_ENV": '"production"' },
      minify: false,
      sourcemap: "external", // kept in memory to map init errors; the bundle carries no comment for it
      metafile: true,
      logLevel: "silent",
      supported: { "regexp-set-notation": true }, // the engine has the `v` flag: keep such literals for regex.ts
      plugins: [
        {
          name: "outpost-sdk",
          setup(b) {
            b.onResolve({ filter: /^outpost$/ }, () => ({ path: OUTPOST_SDK_ENTRY }));
          },
        },
      ],
    });
  } catch (err) {
    const errors = (err as { errors?: Message[] }).errors;
    if (!errors?.length) throw err;
    const shown = errors.slice(0, 10).map((m) => explain(m, config.main, config.dir));
    if (errors.length > 10) shown.push(`... and ${errors.length - 10} more errors`);
    const locations = errors.map((m) => locationOf(m, config.dir)).filter((l): l is SourceLocation => l !== null);
    throw new BuildError("bundle", shown.join("\n"), { locations });
  }
  const output = result.outputFiles.find((f) => f.path.endsWith(".js"))!;
  const map = result.outputFiles.find((f) => f.path.endsWith(".js.map"))?.text ?? "";
  const meta = result.metafile.outputs[relative(config.dir, output.path)] ?? Object.values(result.metafile.outputs).find((o) => o.entryPoint);
  return {
    code: await forEngine(output.text, map, config.dir),
    map,
    exports: meta?.exports ?? [],
    warnings: result.warnings.map((m) => formatMessage(m, config.dir)),
    inputs: inputFiles(Object.keys(result.metafile.inputs), config.dir),
  };
}
