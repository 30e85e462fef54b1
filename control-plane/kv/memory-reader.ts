// An in-memory KvRangeReader/KvLookup over a Map, in UTF-8 byte order: for tests and small caches that
// want the same list semantics as the LMDB-backed stores.
import { compareKeys, type KvLookup, type KvRangeReader, type KvStoredEntry } from "../../core/kv/semantics.ts";

export function memoryReader(entries: Map<string, KvStoredEntry>): { read: KvRangeReader; lookup: KvLookup } {
  return {
    lookup: (key) => entries.get(key),
    read: function* (from) {
      const keys = [...entries.keys()].filter((k) => compareKeys(k, from) >= 0).sort(compareKeys);
      for (const key of keys) {
        const entry = entries.get(key);
        if (entry) yield { key, entry };
      }
    },
  };
}
