// The content-addressed component cache: `<cacheDir>/components/<key>.wasm` plus `<key>.json` (what
// validation found), keyed by everything that goes into a JS component, so an unchanged app is never
// componentized twice. Keeps the most recently used entries and drops the rest.
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rm, stat, utimes } from "node:fs/promises";
import { join } from "node:path";
import type { ComponentInfo } from "../../core/component/validate.ts";
import { writeAtomic } from "../../core/write-atomic.ts";

/** Bump when the pipeline changes in a way the other key parts do not capture. */
const PIPELINE_VERSION = "outpost-componentize-1";
/** Entries kept per project; each is ~13 MB. */
export const KEEP_ENTRIES = 8;

export interface ComponentKeyParts {
  bundle: string;
  sourceName: string;
  /** The witDir() directory name, which is the hash of the WIT it holds. */
  witHash: string;
  worldName: string;
  features: readonly string[];
  versions: Record<string, string>;
}

export function componentKey(parts: ComponentKeyParts): string {
  const hash = createHash("sha256");
  hash.update(PIPELINE_VERSION).update("\0");
  hash.update(JSON.stringify({ ...parts, bundle: undefined, features: [...parts.features].sort() })).update("\0");
  hash.update(parts.bundle);
  return hash.digest("hex").slice(0, 32);
}

export interface CachedInfo extends ComponentInfo {
  sha256: string;
  size: number;
}

export interface CachedComponent {
  wasmPath: string;
  info: CachedInfo;
}

const dirOf = (cacheDir: string) => join(cacheDir, "components");

export async function lookupComponent(cacheDir: string, key: string): Promise<CachedComponent | null> {
  const wasmPath = join(dirOf(cacheDir), `${key}.wasm`);
  const infoPath = join(dirOf(cacheDir), `${key}.json`);
  if (!existsSync(infoPath) || !existsSync(wasmPath)) return null;
  try {
    const info = JSON.parse(await readFile(infoPath, "utf8")) as CachedInfo;
    if ((await stat(wasmPath)).size !== info.size) return null;
    const now = new Date();
    await utimes(infoPath, now, now).catch(() => undefined); // marks it recently used
    return { wasmPath, info };
  } catch {
    return null;
  }
}

/** Stores a validated component; the .json is written last, so its presence means the entry is whole. */
export async function storeComponent(cacheDir: string, key: string, bytes: Uint8Array, info: CachedInfo): Promise<CachedComponent> {
  await mkdir(dirOf(cacheDir), { recursive: true });
  const wasmPath = join(dirOf(cacheDir), `${key}.wasm`);
  await writeAtomic(wasmPath, bytes);
  await writeAtomic(join(dirOf(cacheDir), `${key}.json`), JSON.stringify(info, null, 2));
  await prune(cacheDir).catch(() => undefined);
  return { wasmPath, info };
}

/** Removes all but the KEEP_ENTRIES most recently used entries. */
async function prune(cacheDir: string): Promise<void> {
  const dir = dirOf(cacheDir);
  const entries = await Promise.all(
    (await readdir(dir)).filter((n) => n.endsWith(".json")).map(async (n) => ({ key: n.slice(0, -5), used: (await stat(join(dir, n))).mtimeMs })),
  );
  entries.sort((a, b) => b.used - a.used);
  for (const { key } of entries.slice(KEEP_ENTRIES)) {
    await rm(join(dir, `${key}.json`), { force: true });
    await rm(join(dir, `${key}.wasm`), { force: true });
  }
}
