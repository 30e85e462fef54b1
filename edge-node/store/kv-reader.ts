// Synchronous KV reads from the region store, as a component's `kv.get` / `kv.list-keys` need
// them: an lru-cache of decoded records in front of LMDB (checked against the shared change
// stamps, so a change applied on the main thread is never read stale from a cache), with the
// shared KV semantics (key rules, lazy expiry, list with prefix, limit and cursor in byte order);
// tombstones of deletes made ahead of the log read as missing.
import type { Database } from "lmdb";
import { LRUCache } from "lru-cache";
import type { KvListResult, KvValue } from "../../runtime/host/outpost.ts";
import { kvKey, namespaceRange, userKey, type KvRecord } from "./kv-keys.ts";
import { rules, underRules } from "./kv-rules.ts";
import type { KvStamps } from "./kv-stamps.ts";

interface Cached { stamp: number; rec: KvRecord | null }
type Entry = { value: Uint8Array; metadata?: string; expiration?: number; seq: number };

export interface KvReaderOptions {
  /** Decoded bytes kept in the cache (default 32 MiB); values over 1/16 of it are not cached. */
  cacheBytes?: number;
}

const live = (r: KvRecord | null | undefined): Entry | undefined => (r && !r.tombstone ? (r as Entry) : undefined);

export class KvReader {
  #db: Database<KvRecord, Buffer>;
  #stamps: KvStamps;
  #cache: LRUCache<string, Cached>;
  #epoch = -1;

  constructor(db: Database<KvRecord, Buffer>, stamps: KvStamps, opts: KvReaderOptions = {}) {
    this.#db = db;
    this.#stamps = stamps;
    const maxSize = opts.cacheBytes ?? 32 << 20;
    this.#cache = new LRUCache<string, Cached>({
      maxSize,
      maxEntrySize: Math.max(1024, maxSize >> 4),
      sizeCalculation: (c, k) => 64 + k.length + (c.rec?.value?.byteLength ?? 0) + (c.rec?.metadata?.length ?? 0),
    });
  }

  /** A new read snapshot when anything changed since the current one was taken. */
  #fresh(): void {
    const e = this.#stamps.epoch();
    if (e !== this.#epoch) {
      this.#db.resetReadTxn();
      this.#epoch = e;
    }
  }

  #lookup(namespace: string, key: string): Entry | undefined {
    const stamp = this.#stamps.stamp(this.#stamps.slot(namespace, key)); // before the epoch: see kv-stamps.ts
    this.#fresh();
    const ck = `${namespace}\0${key}`;
    let c = this.#cache.get(ck);
    if (!c || c.stamp !== stamp) {
      c = { stamp, rec: this.#db.get(kvKey(namespace, key)) ?? null };
      this.#cache.set(ck, c);
    }
    return live(c.rec);
  }

  get(namespace: string, key: string): KvValue | undefined {
    const e = underRules(() => rules.getEntry((k) => this.#lookup(namespace, k), key, Date.now()));
    if (!e) return undefined;
    const out: KvValue = { value: e.value ?? new Uint8Array(0) };
    if (e.metadata !== undefined) out.metadata = e.metadata;
    if (e.expiration !== undefined) out.expiration = e.expiration;
    return out;
  }

  list(namespace: string, options: { prefix?: string; limit?: number; cursor?: string } = {}): KvListResult {
    this.#fresh();
    const db = this.#db;
    const { end } = namespaceRange(namespace);
    const read = function* (from: string) {
      for (const { key, value } of db.getRange({ start: kvKey(namespace, from), end })) {
        const entry = live(value);
        if (entry) yield { key: userKey(key, namespace), entry };
      }
    };
    const r = underRules(() => rules.listKeys(read, options, Date.now()));
    return {
      keys: r.keys.map((k) => ({
        name: k.name,
        ...(k.expiration === undefined ? {} : { expiration: k.expiration }),
        ...(k.metadata === undefined ? {} : { metadata: JSON.stringify(k.metadata) }),
      })),
      listComplete: r.list_complete,
      ...(r.cursor === undefined ? {} : { cursor: r.cursor }),
    };
  }
}
