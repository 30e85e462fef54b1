// What a region remembers of each component shape it transpiled (runtime/component-shape.ts): the
// glue jco generated, the component's world, and which core module became which file. A component
// of a known shape is laid out from this record without jco, its core modules taken straight from
// its own bytes in memory; every component of the shape imports the shape's one glue file, so a
// thread that ran one of them already has the glue loaded and compiled.
import { mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { ComponentShape } from "./component-shape.ts";
import { GLUE_PATCH_VERSION } from "./perf/glue-patch.ts";
import type { ComponentInfo } from "../core/component/validate.ts";
import { writeAtomic } from "../core/write-atomic.ts";

export { writeAtomic } from "../core/write-atomic.ts";

export interface ShapeRecord {
  /** The shape's glue module (the same text jco generates for every component of the shape). */
  gluePath: string;
  /** The world every component of the shape has (validated once, when the shape was first seen). */
  info: ComponentInfo;
  /** The file name jco gives each top-level core module, in order of appearance. */
  names: string[];
}

/** Known shapes by directory: read from disk once per process. */
const known = new Map<string, ShapeRecord>();

/** Where a shape's record lives (glue patches change: a new name, never stale glue). */
export function shapeDir(cacheDir: string, shape: ComponentShape): string {
  return join(cacheDir, "shapes", `${shape.key}.${GLUE_PATCH_VERSION}`);
}

/** The record of a shape this region transpiled before, or null when it has not (or it does not fit). */
export async function knownShape(dir: string, shape: ComponentShape): Promise<ShapeRecord | null> {
  let record = known.get(dir);
  if (!record) {
    try {
      const [names, info] = await Promise.all([
        readFile(join(dir, "modules.json"), "utf8").then((t) => JSON.parse(t) as string[]),
        readFile(join(dir, "world.json"), "utf8").then((t) => JSON.parse(t) as ComponentInfo),
      ]);
      record = { gluePath: join(dir, "glue.js"), info, names };
    } catch {
      return null; // not seen yet
    }
    known.set(dir, record);
  }
  return record.names.length === shape.coreModules.length ? record : null;
}

/**
 * Remembers what a transpile produced for the component's shape: the glue, the world and which
 * core module became which file. Only when extracting the core modules from the component
 * reproduces jco's files exactly; otherwise the shape is not reused (null).
 */
export async function rememberShape(dir: string, shape: ComponentShape, info: ComponentInfo, glue: string, files: Record<string, Uint8Array>): Promise<ShapeRecord | null> {
  const wasmFiles = Object.entries(files).filter(([name]) => name.endsWith(".wasm"));
  if (wasmFiles.length !== shape.coreModules.length) return null;
  const names: string[] = [];
  for (const module of shape.coreModules) {
    const match = wasmFiles.find(([name, data]) => !names.includes(name) && Buffer.compare(data, module) === 0);
    if (!match) return null;
    names.push(match[0]);
  }
  await mkdir(dir, { recursive: true });
  await writeAtomic(join(dir, "glue.js"), glue);
  await writeAtomic(join(dir, "world.json"), JSON.stringify(info));
  await writeAtomic(join(dir, "modules.json"), JSON.stringify(names)); // written last: marks the shape complete
  const record = { gluePath: join(dir, "glue.js"), info, names };
  known.set(dir, record);
  return record;
}

const STALE_LOCK_MS = 120_000;

/**
 * Regions on one machine share a cache dir, and a new shape reaches them all at once: only one process
 * transpiles it (~1.2 s alone, several times that when every region does it at once on 2 cores) while
 * the others wait for its record. Resolves the record once another process has made it, or `release`
 * when this process is to transpile (holding `<dir>.lock` until released). A lock whose holder is gone
 * or that is older than 2 minutes is taken over; after `timeoutMs` of waiting this process transpiles too.
 */
export async function claimShape(dir: string, shape: ComponentShape, timeoutMs = 60_000): Promise<{ record: ShapeRecord } | { release(): Promise<void> }> {
  const lock = `${dir}.lock`;
  await mkdir(dirname(lock), { recursive: true });
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      await mkdir(lock);
      await writeFile(join(lock, "pid"), String(process.pid));
      const record = await knownShape(dir, shape); // finished just before the lock was free
      const release = () => rm(lock, { recursive: true, force: true });
      if (record) { await release(); return { record }; }
      return { release };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
    const record = await knownShape(dir, shape);
    if (record) return { record };
    if (await staleLock(lock)) { await rm(lock, { recursive: true, force: true }); continue; }
    if (Date.now() > end) return { release: async () => undefined };
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function staleLock(lock: string): Promise<boolean> {
  const st = await stat(lock).catch(() => null);
  if (!st) return false; // released meanwhile: the next round takes it
  if (Date.now() - st.mtimeMs > STALE_LOCK_MS) return true;
  const pid = Number(await readFile(join(lock, "pid"), "utf8").catch(() => ""));
  if (!pid) return Date.now() - st.mtimeMs > 5_000; // a holder between mkdir and writing its pid
  try { process.kill(pid, 0); return false; } catch (err) { return (err as NodeJS.ErrnoException).code === "ESRCH"; }
}
