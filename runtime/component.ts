// Loads a component for serving: validates it, transpiles it with jco into JS glue plus core
// modules (cached on disk by content hash), and compiles each core module once per process.
// The result is shared by every instance of the component.
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { transpile } from "@bytecodealliance/jco";
import { ASYNC_EXPORTS, SUSPENDING_IMPORTS } from "./host/index.ts";
import { validateComponent } from "./validate.ts";

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
  modules: Map<string, WebAssembly.Module>;
  timings: { validateMs: number; transpileMs: number; compileMs: number };
}

const compiled = new Map<string, Promise<CompiledComponent>>();

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

/** jco's glue reads process.env.JCO_DEBUG on every call; read it once per module instead. */
function patchGlue(js: string): string {
  return js
    .replace("\"use components\";", "\"use components\";\nconst __jcoDebug = !!globalThis?.process?.env?.JCO_DEBUG;")
    .replaceAll("if (!globalThis?.process?.env?.JCO_DEBUG) { return; }", "if (!__jcoDebug) { return; }");
}

async function writeAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  await writeFile(tmp, data);
  await rename(tmp, path);
}

async function load(bytes: Uint8Array, hash: string, cacheDir: string): Promise<CompiledComponent> {
  let t = performance.now();
  const info = await validateComponent(bytes);
  const validateMs = performance.now() - t;

  t = performance.now();
  const dir = join(cacheDir, "transpiled", hash);
  const gluePath = join(dir, "component.js");
  if (!existsSync(gluePath)) {
    const { asyncImports, asyncExports } = asyncNames(info.imports, info.exports);
    const out = await transpile(bytes, {
      name: "component", instantiation: "async", asyncMode: "jspi", asyncImports, asyncExports,
      noTypescript: true, quiet: true,
    });
    await mkdir(dir, { recursive: true });
    for (const [name, data] of Object.entries(out.files)) {
      if (!name.endsWith(".wasm")) continue; // type declarations and the glue (written last) are skipped
      await writeAtomic(join(dir, name), data);
    }
    await writeAtomic(gluePath, patchGlue(new TextDecoder().decode(out.files["component.js"])));
  }
  const glue = (await import(pathToFileURL(gluePath).href)) as Glue;
  const transpileMs = performance.now() - t;

  t = performance.now();
  const modules = new Map<string, WebAssembly.Module>();
  for (const name of await readdir(dir)) {
    if (name.endsWith(".wasm")) modules.set(name, await WebAssembly.compile(await readFile(join(dir, name))));
  }
  const compileMs = performance.now() - t;
  return { hash, size: bytes.byteLength, imports: info.imports, exports: info.exports, glue, modules, timings: { validateMs, transpileMs, compileMs } };
}

export function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** Compiles a component once per process; concurrent loads of the same bytes share the work. */
export function compileComponent(bytes: Uint8Array, opts: { cacheDir: string }): Promise<CompiledComponent> {
  const hash = sha256(bytes);
  let p = compiled.get(hash);
  if (!p) {
    p = load(bytes, hash, opts.cacheDir);
    compiled.set(hash, p);
    p.catch(() => compiled.delete(hash));
  }
  return p;
}
