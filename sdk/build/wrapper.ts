// The component-wrapper cache. stub-wasi and component-new (~3.5 s of a build) depend only on the engine,
// the world and the features: the wizened modules of two JS apps differ only in their data section (the
// snapshot of each app's JS heap), its data count and their memory's minimum size. So the first build on
// a machine keeps its finished component as the wrapper for its engine key, with a signature of its
// wizened module's other sections; a later build whose wizened module has the same signature gets that
// component with its own data section, data count and memory section in place of the wrapper's: the
// bytes stub-wasi and component-new would make (wrapper.test.ts builds both ways and compares). A
// signature that differs takes the full path.
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { ComponentInfo } from "../../core/component/validate.ts";
import { writeAtomic } from "../../core/write-atomic.ts";
import { componentSections, coreSections, Reader, SECTION, writeUleb, type Section } from "../../core/wasm/reader.ts";
import { byteLength, joinParts, partsOf, type ModuleParts } from "./module-parts.ts";

const { custom: CUSTOM, memory: MEMORY, data: DATA, dataCount: DATA_COUNT, coreModule: CORE_MODULE } = SECTION;
/** Bump when what a wrapper holds, or how it is applied, changes. */
const WRAPPER_VERSION = "outpost-wrapper-4";

export interface Wrapper {
  /** A finished component whose main core module is the wizened module of some app. */
  component: Uint8Array;
  /** moduleSignature() of that app's wizened module. */
  signature: string;
  /** What validating the component found; a rewrapped one has the same world (only its data differs). */
  info: ComponentInfo;
}

/**
 * Hash of every section of a wizened module except its data, data count and custom sections, and of its
 * memory's limits all but the minimum: the parts in which two apps' wizened modules differ.
 */
export function moduleSignature(wasm: Uint8Array | ModuleParts): string {
  const hash = createHash("sha256").update(WRAPPER_VERSION);
  const module = wasm instanceof Uint8Array ? partsOf(wasm, " (wizened module)") : wasm;
  for (const s of module.sections) {
    if (s.id === DATA || s.id === DATA_COUNT || s.id === CUSTOM) continue;
    if (s.id === MEMORY) {
      const limits = memoryLimits(joinParts(s.parts), 0);
      hash.update(`memory ${limits ? `${limits.flags} ${limits.max}` : "other"}`);
    }
    else for (const p of s.parts) hash.update(p);
  }
  return hash.digest("hex");
}

/** The limits of the one memory a memory section (at `at` in `bytes`) declares; null when it declares another number. */
function memoryLimits(bytes: Uint8Array, at: number): { flags: number; min: number; max: number | null } | null {
  const r = new Reader(bytes, at, " (memory section)");
  r.byte();
  r.uleb(32); // the section's size
  if (r.uleb(32) !== 1) return null;
  const flags = r.byte();
  const min = r.uleb(32);
  return { flags, min, max: flags & 1 ? r.uleb(32) : null };
}

const one = <T extends { id: number }>(sections: T[], id: number) => sections.filter((s) => s.id === id);

/** The component's main core module: the largest of its top-level core module sections (null when it has none). */
export function mainModule(component: Uint8Array): Section | null {
  const modules = componentSections(component, " (component)").filter((s) => s.id === CORE_MODULE);
  return modules.length ? modules.reduce((a, b) => (b.end - b.contentStart > a.end - a.contentStart ? b : a)) : null;
}

/** Whether a data section holds only active segments of memory 0 at `i32.const` offsets, inside `memoryBytes`, `count` of them. */
function dataFits(bytes: Uint8Array, data: Section, count: number | null, memoryBytes: number): boolean {
  try {
    const r = new Reader(bytes, data.contentStart, " (data section)");
    const n = r.uleb(32);
    if (count !== null && n !== count) return false;
    for (let i = 0; i < n; i++) {
      if (r.byte() !== 0x00 || r.byte() !== 0x41) return false;
      const offset = r.sleb32() >>> 0;
      if (r.byte() !== 0x0b) return false;
      const size = r.uleb(32);
      if (offset + size > memoryBytes) return false;
      r.skip(size);
    }
    return r.pos === data.end;
  } catch {
    return false;
  }
}

/**
 * The wrapper's component with the main core module's data section and data count taken from `wizened`,
 * or null when `wizened` does not fit it (another signature, or a data layout this rewrite does not cover:
 * anything but active segments of memory 0 inside its minimum size, as wizer and snapshot.ts write).
 * The bytes are copied once, into the result. `signature` is moduleSignature(wizened), when the caller has it.
 */
export function rewrap(wrapper: Wrapper, wizened: Uint8Array | ModuleParts, signature = moduleSignature(wizened)): Uint8Array | null {
  if (signature !== wrapper.signature) return null;
  const comp = wrapper.component;
  const main = mainModule(comp);
  if (!main) return null;
  const module = comp.subarray(main.contentStart, main.end);
  const inner = coreSections(module, " (wrapper's main module)");
  const own = (wizened instanceof Uint8Array ? partsOf(wizened, " (wizened module)") : wizened).sections;
  const [data, count, memory] = [one(own, DATA), one(own, DATA_COUNT), one(own, MEMORY)];
  if (data.length !== 1 || one(inner, DATA).length !== 1 || count.length !== one(inner, DATA_COUNT).length || count.length > 1) return null;
  if (memory.length !== 1 || one(inner, MEMORY).length !== 1) return null;
  const taken = new Map<number, Uint8Array[]>([[DATA, data[0].parts], [DATA_COUNT, count[0]?.parts ?? []], [MEMORY, memory[0].parts]]);
  const parts: Uint8Array[] = [module.subarray(0, 8)];
  for (const s of inner) parts.push(...(taken.get(s.id) ?? [module.subarray(s.start, s.end)]));
  const head: number[] = [CORE_MODULE];
  writeUleb(head, byteLength(parts));
  const out = joinParts([comp.subarray(0, main.start), new Uint8Array(head), ...parts, comp.subarray(main.end)]);
  // Check the data the rest was not validated with: the new module's data section and its count.
  const start = main.start + head.length;
  const written = coreSections(out.subarray(start, start + byteLength(parts)), " (rewrapped module)");
  const writtenCount = one(written, DATA_COUNT)[0];
  const countValue = writtenCount ? new Reader(out, start + writtenCount.contentStart, "").uleb(32) : null;
  const limits = memoryLimits(out, start + one(written, MEMORY)[0].start);
  if (limits === null || !dataFits(out.subarray(start), one(written, DATA)[0], countValue, limits.min * 65536)) return null;
  return out;
}

/** The wrapper's cache key: the engine key plus what component-new adds (adapter bytes, tool versions). */
export function wrapperKey(engineKey: string, adapter: Uint8Array, versions: Record<string, string>): string {
  return createHash("sha256").update(WRAPPER_VERSION).update(engineKey).update(adapter).update(JSON.stringify(versions)).digest("hex").slice(0, 24);
}

const pathsOf = (dir: string, key: string) => ({ wasm: join(dir, "wrappers", `${key}.wasm`), meta: join(dir, "wrappers", `${key}.json`) });

export async function lookupWrapper(dir: string, key: string): Promise<Wrapper | null> {
  const p = pathsOf(dir, key);
  if (!existsSync(p.meta)) return null; // the .json is written last
  try {
    const { signature, info } = JSON.parse(await readFile(p.meta, "utf8")) as Omit<Wrapper, "component">;
    return info ? { component: await readFile(p.wasm), signature, info } : null;
  } catch {
    return null;
  }
}

/** Keeps `wrapper` under `dir` (atomic renames; losing a race to another build is fine). */
export async function storeWrapper(dir: string, key: string, wrapper: Wrapper): Promise<void> {
  const p = pathsOf(dir, key);
  if (existsSync(p.meta)) return;
  await mkdir(join(dir, "wrappers"), { recursive: true });
  await writeAtomic(p.wasm, wrapper.component);
  await writeAtomic(p.meta, JSON.stringify({ signature: wrapper.signature, info: wrapper.info }));
}
