// One instance's numbers for the host objects it uses through outpost:edge/intl and url-pattern: a guest
// opens an object by its key (what it is made from) once and then calls it by number, so a call carries
// one short string instead of the key. The same key keeps its number while remembered; the most recent
// MAX_HANDLES are, and a number that was forgotten is refused with STALE_HANDLE, for the guest to open
// its key again (so are the oldest once their keys pass 4 Mi characters). The objects themselves are
// cached elsewhere, by key, for every instance of the thread.
import { LRUCache } from "lru-cache";

export const MAX_HANDLES = 4096;
/** Characters of keys one instance's handles hold at most (a key is at most a call's 1 MiB). */
const MAX_KEY_CHARS = 4 << 20;
/** The error name a forgotten handle is refused with (sdk/guest/web/host-call.ts opens it again). */
export const STALE_HANDLE = "OutpostStaleHandle";

export class Handles {
  readonly #byKey = new Map<string, number>();
  readonly #keys: LRUCache<number, string>;
  #next = 1; // 0 names no object: intl.call(0, ...) is the Intl namespace's functions

  constructor(max = MAX_HANDLES) {
    this.#keys = new LRUCache<number, string>({ max, maxSize: MAX_KEY_CHARS, sizeCalculation: (key) => key.length + 1, dispose: (key) => this.#byKey.delete(key) });
  }

  /** The handle of `key`, a new one when it has none (or had one that was forgotten). */
  handle(key: string): number {
    const known = this.#byKey.get(key);
    if (known !== undefined && this.#keys.get(known) !== undefined) return known;
    const h = this.#next++;
    this.#byKey.set(key, h);
    this.#keys.set(h, key);
    return h;
  }

  /** The key `handle` names; throws the STALE_HANDLE error when it names none (any more). */
  key(handle: number): string {
    const key = this.#keys.get(handle);
    if (key === undefined) {
      const err = new Error(`handle ${handle} is not open (any more): open its object again`);
      err.name = STALE_HANDLE;
      throw err;
    }
    return key;
  }

  get size(): number {
    return this.#keys.size;
  }
}
