// The write half of a region's KV (main thread): a guest's put or delete is checked against the KV
// rules, forwarded to the control plane (`PUT/DELETE /v1/kv/:namespace/:key`, which orders it and
// answers its seq), then applied to the region store at once with that seq, so the region reads
// its own write before the log brings it back. Errors come out as the component's `kv-error`.
import type { KvWrite } from "../../runtime/pool/protocol.ts";
import { applyKvAhead } from "../store/kv-apply.ts";
import { guestKvError, rules, underRules } from "../store/kv-rules.ts";
import type { RegionStore } from "../store/region-store.ts";
import { checkPut } from "../store/worker-kv.ts";
import { CpError, type ControlPlaneApi } from "./cp-client.ts";

export class KvWriter {
  #store: RegionStore;
  #cp: Pick<ControlPlaneApi, "kvPut" | "kvDelete"> | null;

  /** `cp` null: a node without a control plane, whose KV is read-only. */
  constructor(store: RegionStore, cp: Pick<ControlPlaneApi, "kvPut" | "kvDelete"> | null) {
    this.#store = store;
    this.#cp = cp;
  }

  async write(w: KvWrite): Promise<void> {
    const cp = this.#cp;
    if (!cp) throw guestKvError("KV writes need a control plane, and this edge node runs without one (--control-plane)", "unavailable");
    underRules(() => rules.validateNamespace(w.namespace));
    try {
      if (w.op === "put") {
        checkPut(w.key, w.value, w.options);
        const { metadata, expiration, expirationTtl } = w.options;
        const body = {
          value: w.value,
          ...(metadata === undefined ? {} : { metadata: JSON.parse(metadata) as unknown }),
          ...(expiration === undefined ? {} : { expiration }),
          ...(expirationTtl === undefined ? {} : { expirationTtl }),
        };
        const sentAt = Date.now();
        const res = await cp.kvPut(w.namespace, w.key, body);
        // The control plane's own expiration when it says; else the same rule, computed here.
        const exp = res.expiration ?? rules.computeExpiration({ expiration, expirationTtl }, sentAt);
        await applyKvAhead(this.#store, {
          t: "kv.put", seq: res.seq, ts: Date.now(), namespace: w.namespace, key: w.key, value: w.value,
          ...(metadata === undefined ? {} : { metadata: rules.encodeMetadata(JSON.parse(metadata)) }),
          ...(exp === undefined ? {} : { expiration: exp }),
        });
      } else {
        underRules(() => rules.validateKey(w.key));
        const res = await cp.kvDelete(w.namespace, w.key);
        await applyKvAhead(this.#store, { t: "kv.delete", seq: res.seq, ts: Date.now(), namespace: w.namespace, key: w.key });
      }
    } catch (err) {
      if (!(err instanceof CpError)) throw err;
      if (err.status === 400 || err.status === 413) throw guestKvError(err.message, "invalid", err.status);
      throw guestKvError(`KV write not stored: ${err.message}`, "unavailable", err.status);
    }
  }
}
