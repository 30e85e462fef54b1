// Compiled code shared by core modules whose code is the same bytes (data-image.ts splits each off
// its data): the engine every JS app embeds is compiled once per process, not once per app, and what
// V8 compiles lazily while one app runs (the engine's interpreter paths) is compiled for the next one
// too. Entries are found by a cheap key and confirmed byte for byte against the bytes they compiled;
// an entry lives while any component holds its module (a WeakRef); a failed compile is not kept.

interface Entry {
  /** Process-unique: names the compiled module in warm keys. */
  id: number;
  /** What the caller's `same` compares against (the code as split, before any rewrite). */
  code: Uint8Array;
  pending?: Promise<WebAssembly.Module>;
  ref?: WeakRef<WebAssembly.Module>;
}

const entries = new Map<string, Entry[]>();
let ids = 0;
const collected = new FinalizationRegistry<{ key: string; entry: Entry }>(({ key, entry }) => forget(key, entry));

function forget(key: string, entry: Entry): void {
  const list = entries.get(key)?.filter((e) => e !== entry) ?? [];
  if (list.length) entries.set(key, list);
  else entries.delete(key);
}

/** How often this process compiled a module's code and how often it reused one (for tests and benches). */
export const sharedCodeCounts = { compiled: 0, reused: 0 };

export interface CodeSource {
  /** Equal code has equal keys (e.g. a fingerprint and the memory limit); equal keys are confirmed with `same`. */
  key: string;
  /** The code as split (the bytes `same` compares, kept by a new entry). */
  code(): Uint8Array;
  /** Whether `code` is exactly this source's code. */
  same(code: Uint8Array): boolean;
  /** The bytes to compile from the code (e.g. with the memory limit applied); what it throws, `sharedCode` throws. */
  compileBytes(code: Uint8Array): Uint8Array;
}

/**
 * The compiled module for `src` and its process-unique id: the one this process already has for the
 * same code, or a new compile (only then is `src.code()` built). A compile that fails rejects and is
 * not kept.
 */
export async function sharedCode(src: CodeSource): Promise<{ module: WebAssembly.Module; id: number }> {
  for (const entry of entries.get(src.key) ?? []) {
    const live = entry.ref?.deref();
    if (!live && !entry.pending) continue;
    if (!src.same(entry.code)) continue;
    sharedCodeCounts.reused++;
    return { module: live ?? (await entry.pending!), id: entry.id };
  }
  const code = src.code();
  const pending = WebAssembly.compile(src.compileBytes(code) as Uint8Array<ArrayBuffer>); // a throw here keeps nothing
  sharedCodeCounts.compiled++;
  const entry: Entry = { id: ++ids, code, pending };
  entries.set(src.key, [...(entries.get(src.key) ?? []), entry]);
  try {
    const module = await pending;
    entry.pending = undefined;
    entry.ref = new WeakRef(module);
    collected.register(module, { key: src.key, entry });
    return { module, id: entry.id };
  } catch (err) {
    forget(src.key, entry);
    throw err;
  }
}
