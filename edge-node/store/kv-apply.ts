// Applies KV changes to the region store. From the log: in order, with `appliedSeq`, never over a
// newer record. Ahead of the log: a write this region forwarded to the control plane is applied
// at once with the seq the control plane assigned (read-your-writes), without moving `appliedSeq`;
// an ahead delete leaves a tombstone so the older entries the log still has to replay cannot bring
// the key back, and the log's own copy of the entry later replaces it.
import type { KvEntry } from "../replica/entries.ts";
import { kvKey, type KvRecord } from "./kv-keys.ts";
import type { RegionStore } from "./region-store.ts";

function record(e: Extract<KvEntry, { t: "kv.put" }>): KvRecord {
  const r: KvRecord = { value: e.value, seq: e.seq };
  if (e.metadata !== undefined && e.metadata !== null) r.metadata = e.metadata;
  if (e.expiration !== undefined && e.expiration !== null) r.expiration = e.expiration;
  return r;
}

/** Inside a transaction: the log's entry, unless the stored record is newer. */
export function writeKvFromLog(store: RegionStore, e: KvEntry): void {
  const key = kvKey(e.namespace, e.key);
  const existing = store.kv.get(key);
  if (existing && existing.seq > e.seq) return;
  if (e.t === "kv.put") store.kv.put(key, record(e));
  else store.kv.remove(key);
}

/** Applies a log entry with its seq; resolves false when it was already applied. */
export async function applyKvEntry(store: RegionStore, e: KvEntry): Promise<boolean> {
  const applied = await store.commit(e.seq, () => writeKvFromLog(store, e));
  if (applied) store.stamps.changed(e.namespace, e.key);
  return applied;
}

/** Applies a write this region made (seq from the control plane's answer) ahead of the log. */
export async function applyKvAhead(store: RegionStore, e: KvEntry): Promise<boolean> {
  const applied = await store.env.transaction(() => {
    if (e.seq <= (store.meta.get("appliedSeq") ?? 0)) return false; // the log got here first
    const key = kvKey(e.namespace, e.key);
    const existing = store.kv.get(key);
    if (existing && existing.seq >= e.seq) return false;
    store.kv.put(key, e.t === "kv.put" ? record(e) : { seq: e.seq, tombstone: true });
    return true;
  });
  if (applied) store.stamps.changed(e.namespace, e.key);
  return applied;
}
