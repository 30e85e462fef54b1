// The KV primary: reads with Workers-KV semantics (kv/semantics.ts) over the `kv` db, and the writes that
// append `kv.put` / `kv.delete` in the same transaction. Expired entries are removed lazily, unlogged.
import {
  getEntry, isExpired, listKeys, type KvListOptions, type KvListResult, type KvRangeReader, type KvStoredEntry, type KvWrite,
} from "../../core/kv/semantics.ts";
import type { StoreCore } from "./core.ts";
import { kvKey, kvKeyName, kvNamespaceEnd } from "./keys.ts";

export class KvStore {
  #core: StoreCore;

  constructor(core: StoreCore) {
    this.#core = core;
  }

  /** Iterates the namespace from `from` in UTF-8 byte order. */
  reader(namespace: string): KvRangeReader {
    const db = this.#core.dbs.kv;
    return function* (from) {
      for (const { key, value } of db.getRange({ start: kvKey(namespace, from), end: kvNamespaceEnd(namespace) })) {
        yield { key: kvKeyName(namespace, key), entry: value };
      }
    };
  }

  get(namespace: string, key: string, nowMs: number = Date.now()): KvStoredEntry | undefined {
    return getEntry((k) => this.#core.dbs.kv.get(kvKey(namespace, k)), key, nowMs, (k) => this.#expire(namespace, [k]));
  }

  list(namespace: string, options: KvListOptions, nowMs: number = Date.now()): KvListResult {
    const expired: string[] = [];
    const result = listKeys(this.reader(namespace), options, nowMs, (k) => expired.push(k));
    if (expired.length) this.#expire(namespace, expired);
    return result;
  }

  /** Stores a validated write and appends `kv.put`; answers the entry's seq. */
  put(namespace: string, write: KvWrite): Promise<number> {
    return this.#core.write((append) => {
      const entry = append({ t: "kv.put", namespace, ...write });
      const rec: KvStoredEntry = { value: write.value, seq: entry.seq };
      if (write.metadata !== undefined) rec.metadata = write.metadata;
      if (write.expiration !== undefined) rec.expiration = write.expiration;
      this.#core.dbs.kv.put(kvKey(namespace, write.key), rec);
      return entry.seq;
    });
  }

  /** Removes the key (present or not) and appends `kv.delete`; answers the entry's seq. */
  delete(namespace: string, key: string): Promise<number> {
    return this.#core.write((append) => {
      this.#core.dbs.kv.remove(kvKey(namespace, key));
      return append({ t: "kv.delete", namespace, key }).seq;
    });
  }

  /**
   * Lazy expiry: removes entries that are still expired when the transaction runs. Not logged: expiration is
   * an absolute time every replica applies on its own reads, so nothing observable changes.
   */
  #expire(namespace: string, keys: string[]): void {
    const db = this.#core.dbs.kv;
    void this.#core.write((_append, now) => {
      for (const k of keys) {
        const dbKey = kvKey(namespace, k);
        const cur = db.get(dbKey);
        if (cur && isExpired(cur, now)) db.remove(dbKey);
      }
    }).catch(() => {});
  }
}
