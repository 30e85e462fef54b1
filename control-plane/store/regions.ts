// Regions known to the control plane: registration, last-seen times and the applied seq each reports.
// CP-local state (not replicated), written in its own small transactions.
import type { StoreCore } from "./core.ts";
import type { RegionRecord } from "./types.ts";

export class RegionStore {
  #core: StoreCore;

  constructor(core: StoreCore) {
    this.#core = core;
  }

  get(name: string): RegionRecord | undefined {
    return this.#core.dbs.regions.get(name);
  }

  list(): RegionRecord[] {
    return Array.from(this.#core.dbs.regions.getRange(), (e) => e.value);
  }

  /** Registers a region or refreshes its URL; keeps its applied seq. */
  register(name: string, url: string): Promise<RegionRecord> {
    return this.#core.write((_append, now) => {
      const old = this.get(name);
      const rec: RegionRecord = { name, url, registeredAt: old?.registeredAt ?? now, lastSeen: now, appliedSeq: old?.appliedSeq ?? 0 };
      this.#core.dbs.regions.put(name, rec);
      return rec;
    });
  }

  /** Records a progress report; answers the record, or undefined for an unregistered region. */
  progress(name: string, appliedSeq: number): Promise<RegionRecord | undefined> {
    return this.#core.write((_append, now) => {
      const old = this.get(name);
      if (!old) return undefined;
      const rec: RegionRecord = { ...old, lastSeen: now, appliedSeq: Math.max(old.appliedSeq, appliedSeq) };
      this.#core.dbs.regions.put(name, rec);
      return rec;
    });
  }

  /** Refreshes `lastSeen` (a region opened its log stream or acked). */
  seen(name: string): Promise<void> {
    return this.#core.write((_append, now) => {
      const old = this.get(name);
      if (old) this.#core.dbs.regions.put(name, { ...old, lastSeen: now });
    });
  }
}
