// Lazy removal of expired KV records from the region store (they already read as missing): a
// periodic sweep removes a bounded batch, each one checked again inside the transaction, and only
// records the log has caught up with (seq <= appliedSeq), so a later entry always rewrites them.
import { isExpired } from "../../core/kv/semantics.ts";
import type { RegionStore } from "./region-store.ts";

/** Resolves the number of records removed. */
export async function sweepExpired(store: RegionStore, nowMs: number = Date.now(), max = 1000): Promise<number> {
  const found: Buffer[] = [];
  for (const { key, value } of store.kv.getRange()) {
    if (!value.tombstone && isExpired(value, nowMs)) found.push(Buffer.from(key));
    if (found.length >= max) break;
  }
  if (!found.length) return 0;
  const removed = await store.env.transaction(() => {
    const applied = store.meta.get("appliedSeq") ?? 0;
    const out: Buffer[] = [];
    for (const key of found) {
      const r = store.kv.get(key);
      if (r && !r.tombstone && r.seq <= applied && isExpired(r, nowMs)) {
        store.kv.remove(key);
        out.push(key);
      }
    }
    return out;
  });
  for (const key of removed) {
    const nul = key.indexOf(0);
    store.stamps.changed(key.toString("utf8", 0, nul), key.toString("utf8", nul + 1));
  }
  return removed.length;
}

/** Sweeps every `intervalMs` (default a minute) until the returned function is called. */
export function startSweeping(store: RegionStore, intervalMs = 60_000): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    sweepExpired(store).catch(() => 0).finally(() => { running = false; });
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
