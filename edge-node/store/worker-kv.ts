// The KV backend of a runtime worker thread (the module named in the pool's `kv` option): reads
// straight from the region's LMDB env, opened read-only in this thread (LMDB readers take no lock
// and see every transaction the main thread committed), through a KvReader with its own cache;
// writes are checked against the KV rules here, then sent to the main thread, which forwards them
// to the control plane, applies them locally and answers.
import { open } from "lmdb";
import type { KvBackend } from "../../runtime/host/outpost.ts";
import type { KvWrite } from "../../runtime/pool/protocol.ts";
import { KvReader } from "./kv-reader.ts";
import { rules, underRules } from "./kv-rules.ts";
import type { KvRecord } from "./kv-keys.ts";
import { KvStamps } from "./kv-stamps.ts";
import { DB } from "./region-store.ts";

export interface WorkerKvOptions {
  /** The region store's directory (the main thread opened and created it). */
  path: string;
  /** The store's change stamps (RegionStore.stamps.buffer). */
  stamps: SharedArrayBuffer;
  cacheBytes?: number;
}

/** Checks a put against the KV rules (metadata arrives as JSON text from the guest). */
export function checkPut(key: string, value: Uint8Array, o: { expiration?: number; expirationTtl?: number; metadata?: string }): void {
  underRules(() => {
    let metadata: unknown;
    if (o.metadata !== undefined) {
      try { metadata = JSON.parse(o.metadata); } catch { throw new rules.KvError(400, "invalid_metadata", "metadata is not valid JSON"); }
    }
    rules.preparePut(key, value, { metadata, expiration: o.expiration, expirationTtl: o.expirationTtl }, Date.now());
  });
}

export function createKvBackend(options: WorkerKvOptions, forward: (w: KvWrite) => Promise<void>): KvBackend {
  const env = open({ path: options.path, readOnly: true, maxDbs: 16 });
  const db = env.openDB<KvRecord, Buffer>({ name: DB.kv, keyEncoding: "binary" });
  const reader = new KvReader(db, new KvStamps(options.stamps), { cacheBytes: options.cacheBytes });
  return {
    get: (namespace, key) => reader.get(namespace, key),
    list: (namespace, o) => reader.list(namespace, o),
    async put(namespace, key, value, o) {
      checkPut(key, value, o);
      await forward({ op: "put", namespace, key, value, options: o });
    },
    async delete(namespace, key) {
      underRules(() => rules.validateKey(key));
      await forward({ op: "delete", namespace, key });
    },
  };
}
