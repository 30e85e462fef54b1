// The idle instances of every app on one thread, in one LRU sized in bytes of linear memory
// (lru-cache). When the thread holds more idle memory than its budget, the least recently used
// idle instance is evicted from its app's pool and dropped.
import { LRUCache } from "lru-cache";
import type { Instance } from "../instance.ts";

export interface IdleEntry {
  instance: Instance;
  /** Called when the LRU evicts this instance (not when its app takes it back). */
  evicted(): void;
}

export class IdleInstances {
  #lru: LRUCache<Instance, IdleEntry>;
  constructor(maxBytes: number) {
    this.#lru = new LRUCache<Instance, IdleEntry>({
      maxSize: maxBytes,
      sizeCalculation: (entry) => Math.max(1, entry.instance.memoryBytes),
      dispose: (entry, _key, reason) => { if (reason === "evict") entry.evicted(); },
    });
  }
  add(entry: IdleEntry): void { this.#lru.set(entry.instance, entry); }
  /** The app took `instance` back for a request, or discarded it. */
  remove(instance: Instance): void { this.#lru.delete(instance); }
  get bytes(): number { return this.#lru.calculatedSize; }
  get count(): number { return this.#lru.size; }
}
