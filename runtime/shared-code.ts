// Compiled code shared by core modules whose code is the same bytes (data-image.ts splits each off
// its data): the engine every JS app embeds is compiled once per process, not once per app, and what
// V8 compiles lazily while one app runs (the engine's interpreter paths) is compiled for the next one
// too. An entry lives while any component holds its module (a WeakRef); a failed compile is not kept.
interface Entry {
  pending?: Promise<WebAssembly.Module>;
  ref?: WeakRef<WebAssembly.Module>;
}

const entries = new Map<string, Entry>();
const collected = new FinalizationRegistry<string>((key) => {
  if (entries.get(key)?.ref?.deref() === undefined && !entries.get(key)?.pending) entries.delete(key);
});

/** How often this process compiled a module's code and how often it reused one (for tests and benches). */
export const sharedCodeCounts = { compiled: 0, reused: 0 };

/**
 * The compiled module for `key` (the code's hash and whatever else shapes the bytes compiled): the one
 * this process already has, or `bytes()` compiled now (only called on a miss; what it throws, this
 * throws). A compile that fails rejects and is not kept.
 */
export function sharedCode(key: string, bytes: () => Uint8Array): Promise<WebAssembly.Module> {
  const entry = entries.get(key);
  const live = entry?.ref?.deref();
  if (live) {
    sharedCodeCounts.reused++;
    return Promise.resolve(live);
  }
  if (entry?.pending) {
    sharedCodeCounts.reused++;
    return entry.pending;
  }
  const pending = WebAssembly.compile(bytes() as Uint8Array<ArrayBuffer>); // `bytes()` throwing throws here, nothing kept
  sharedCodeCounts.compiled++;
  const fresh: Entry = { pending };
  entries.set(key, fresh);
  pending.then(
    (module) => {
      fresh.pending = undefined;
      fresh.ref = new WeakRef(module);
      collected.register(module, key);
    },
    () => { if (entries.get(key) === fresh) entries.delete(key); },
  );
  return pending;
}
