// Materialises the `outpost:edge/app` WIT package with its wasi@0.2.10 dependencies in a directory
// that componentize-js and wasm-tools can read. Outpost's own WIT lives in spec/wit; the WASI
// packages come from jco's bundled 0.2.12 copies with the version rewritten to 0.2.10, which is
// what the StarlingMonkey engine of componentize-js 0.23 exports (the two differ only in versions).
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rename, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const WASI_VERSION = "0.2.10";
export const WORLD = "outpost:edge/app@0.1.0";
const SOURCE_WASI_VERSION = "0.2.12";

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const OUTPOST_WIT = join(repoRoot, "spec", "wit", "outpost.wit");

function jcoWasiDir(): string {
  // jco's package.json has an exports map without "./package.json"; its main entry is dist/api.js.
  const jcoMain = createRequire(import.meta.url).resolve("@bytecodealliance/jco");
  return join(dirname(jcoMain), "..", "lib", "wit", "builtin", SOURCE_WASI_VERSION);
}

/**
 * Writes `world` (a .wit file, kept under its own name) plus `deps/<pkg>/package.wit` for every WASI
 * package at `wasiVersion`, into `<cacheRoot>/wit/<content hash>`, once; returns that directory.
 */
export async function materializeWit(cacheRoot: string, world: string, wasiVersion: string): Promise<string> {
  const sources: Array<[string, string]> = [[basename(world), await readFile(world, "utf8")]];
  const wasiRoot = jcoWasiDir();
  for (const pkg of (await readdir(wasiRoot)).sort()) {
    const text = await readFile(join(wasiRoot, pkg, "package.wit"), "utf8");
    sources.push([join("deps", pkg, "package.wit"), text.replaceAll(`@${SOURCE_WASI_VERSION}`, `@${wasiVersion}`)]);
  }
  const hash = createHash("sha256");
  for (const [name, text] of sources) hash.update(name).update("\0").update(text).update("\0");
  const dir = join(cacheRoot, "wit", hash.digest("hex").slice(0, 16));
  if (existsSync(dir)) return dir;
  const tmp = `${dir}.${process.pid}.tmp`;
  for (const [name, text] of sources) {
    await mkdir(dirname(join(tmp, name)), { recursive: true });
    await writeFile(join(tmp, name), text);
  }
  await rename(tmp, dir).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== "ENOTEMPTY" && err.code !== "EEXIST") throw err;
  });
  return dir;
}

/** The `outpost:edge/app` world with its wasi@0.2.10 dependencies (see materializeWit). */
export function witDir(cacheRoot: string): Promise<string> {
  return materializeWit(cacheRoot, OUTPOST_WIT, WASI_VERSION);
}
