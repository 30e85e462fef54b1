// The component-wrapper cache. stub-wasi and component-new (~3.5 s of a build) depend only on the engine,
// the world and the features: the wizened modules of two JS apps differ only in their data section (the
// snapshot of each app's JS heap) and its data count. So the first build on a machine keeps its finished
// component as the wrapper for its engine key, with a signature of its wizened module's other sections;
// a later build whose wizened module has the same signature gets that component with its own data
// section and data count in place of the wrapper's: the bytes stub-wasi and component-new would make
// (wrapper.test.ts builds both ways and compares). A signature that differs takes the full path.
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { componentSections, concatBytes, coreSections, SECTION, sectionBytes, type Section } from "../../core/wasm/reader.ts";

const { custom: CUSTOM, data: DATA, dataCount: DATA_COUNT, coreModule: CORE_MODULE } = SECTION;
/** Bump when what a wrapper holds, or how it is applied, changes. */
const WRAPPER_VERSION = "outpost-wrapper-1";

export interface Wrapper {
  /** A finished component whose main core module is the wizened module of some app. */
  component: Uint8Array;
  /** moduleSignature() of that app's wizened module. */
  signature: string;
}

/** Hash of every section of a wizened module except its data, data count and custom sections. */
export function moduleSignature(wasm: Uint8Array): string {
  const hash = createHash("sha256").update(WRAPPER_VERSION);
  for (const s of coreSections(wasm, " (wizened module)")) {
    if (s.id === DATA || s.id === DATA_COUNT || s.id === CUSTOM) continue;
    hash.update(wasm.subarray(s.start, s.end));
  }
  return hash.digest("hex");
}

const one = (sections: Section[], id: number) => sections.filter((s) => s.id === id);

/** The component's main core module: the largest of its top-level core module sections (null when it has none). */
export function mainModule(component: Uint8Array): Section | null {
  const modules = componentSections(component, " (component)").filter((s) => s.id === CORE_MODULE);
  return modules.length ? modules.reduce((a, b) => (b.end - b.contentStart > a.end - a.contentStart ? b : a)) : null;
}

/**
 * The wrapper's component with the main core module's data section and data count taken from `wizened`,
 * or null when `wizened` does not fit it (another signature, or a data layout this rewrite does not cover).
 * `signature` is moduleSignature(wizened), when the caller has it already.
 */
export function rewrap(wrapper: Wrapper, wizened: Uint8Array, signature = moduleSignature(wizened)): Uint8Array | null {
  if (signature !== wrapper.signature) return null;
  const comp = wrapper.component;
  const main = mainModule(comp);
  if (!main) return null;
  const module = comp.subarray(main.contentStart, main.end);
  const inner = coreSections(module, " (wrapper's main module)");
  const own = coreSections(wizened, " (wizened module)");
  const [data, count] = [one(own, DATA), one(own, DATA_COUNT)];
  if (data.length !== 1 || one(inner, DATA).length !== 1 || count.length !== one(inner, DATA_COUNT).length || count.length > 1) return null;
  const parts: Uint8Array[] = [module.subarray(0, 8)];
  for (const s of inner) {
    const from = s.id === DATA ? data[0] : s.id === DATA_COUNT ? count[0] : null;
    parts.push(from ? wizened.subarray(from.start, from.end) : module.subarray(s.start, s.end));
  }
  const newModule = concatBytes(parts);
  return concatBytes([comp.subarray(0, main.start), sectionBytes(CORE_MODULE, newModule), comp.subarray(main.end)]);
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
    const { signature } = JSON.parse(await readFile(p.meta, "utf8")) as { signature: string };
    return { component: new Uint8Array(await readFile(p.wasm)), signature };
  } catch {
    return null;
  }
}

/** Keeps `wrapper` under `dir` (atomic renames; losing a race to another build is fine). */
export async function storeWrapper(dir: string, key: string, wrapper: Wrapper): Promise<void> {
  const p = pathsOf(dir, key);
  if (existsSync(p.meta)) return;
  await mkdir(join(dir, "wrappers"), { recursive: true });
  const tmp = `.${process.pid}.${Date.now()}.tmp`;
  try {
    await writeFile(p.wasm + tmp, wrapper.component);
    await rename(p.wasm + tmp, p.wasm);
    await writeFile(p.meta + tmp, JSON.stringify({ signature: wrapper.signature }));
    await rename(p.meta + tmp, p.meta);
  } finally {
    await rm(p.wasm + tmp, { force: true });
    await rm(p.meta + tmp, { force: true });
  }
}
