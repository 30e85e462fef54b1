// Change stamps shared (SharedArrayBuffer) between the thread that writes the region's KV and the
// threads that read it: a global epoch, bumped after every committed KV change, tells a reader its
// LMDB read snapshot may be old; one counter per key-hash slot tells a reader's cache that an
// entry may be stale. The writer bumps the epoch before the slot, the reader loads the slot before
// the epoch, so a cache entry stamped with a slot value was read from a snapshot that includes
// every change counted in it.

const SLOTS = 1 << 16;

export class KvStamps {
  readonly buffer: SharedArrayBuffer;
  #a: Int32Array;

  constructor(buffer: SharedArrayBuffer = new SharedArrayBuffer((SLOTS + 1) * 4)) {
    this.buffer = buffer;
    this.#a = new Int32Array(buffer);
  }

  /** FNV-1a of `namespace \0 key`, mapped to a slot (1..SLOTS). */
  slot(namespace: string, key: string): number {
    let h = 0x811c9dc5;
    const mix = (s: string) => {
      for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
    };
    mix(namespace);
    h = Math.imul(h ^ 0, 0x01000193);
    mix(key);
    return 1 + ((h >>> 0) % SLOTS);
  }

  /** After a committed change to `namespace`/`key`. */
  changed(namespace: string, key: string): void {
    Atomics.add(this.#a, 0, 1);
    Atomics.add(this.#a, this.slot(namespace, key), 1);
  }

  epoch(): number { return Atomics.load(this.#a, 0); }
  stamp(slot: number): number { return Atomics.load(this.#a, slot); }
}
