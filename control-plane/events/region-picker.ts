// Which regions may run an app's events, and in which order to try them: the live regions (an open log
// stream) that are registered with a URL and that the app's manifest allows (`regions`, null = all),
// rotated round robin per app so successive events spread over them.
import type { LiveRegions } from "../deploy/live-regions.ts";
import type { Store } from "../store/store.ts";
import type { RegionRecord } from "../store/types.ts";
import type { Manifest } from "../../core/manifest.ts";

export function servingRegions(store: Store, live: LiveRegions, manifest: Manifest): RegionRecord[] {
  const allowed = manifest.regions ?? null;
  const out: RegionRecord[] = [];
  for (const name of live.names()) {
    if (allowed && !allowed.includes(name)) continue;
    const rec = store.regions.get(name);
    if (rec?.url) out.push(rec);
  }
  return out;
}

export class RoundRobin {
  #next = new Map<string, number>();

  /** `items` starting at the key's turn; the next call for the key starts one further. */
  order<T>(key: string, items: readonly T[]): T[] {
    if (items.length === 0) return [];
    const turn = (this.#next.get(key) ?? 0) % items.length;
    this.#next.set(key, turn + 1);
    return [...items.slice(turn), ...items.slice(0, turn)];
  }

  forget(key: string): void {
    this.#next.delete(key);
  }
}
