// Brings the runtime pool's per-thread instance stats into the node's metrics at scrape time:
// live and idle instances per app (gauges) and instance evictions (counted from the increase
// since the last scrape).
import type { AppRegistry } from "./apps.ts";
import type { NodeMetrics } from "./metrics.ts";

const seenEvictions = new WeakMap<NodeMetrics, Map<string, number>>();

export async function syncPoolMetrics(registry: AppRegistry, metrics: NodeMetrics): Promise<void> {
  const stats = await registry.pool.stats();
  const byApp = new Map<string, { live: number; idle: number; evicted: number }>();
  for (const t of stats.threads) {
    for (const a of t.apps) {
      const name = a.key.slice(0, a.key.lastIndexOf("@"));
      const s = byApp.get(name) ?? { live: 0, idle: 0, evicted: 0 };
      s.live += a.instancesLive;
      s.idle += a.instancesIdle;
      s.evicted += a.evicted;
      byApp.set(name, s);
    }
  }
  let seen = seenEvictions.get(metrics);
  if (!seen) seenEvictions.set(metrics, (seen = new Map()));
  for (const d of registry.list()) {
    const s = byApp.get(d.name) ?? { live: 0, idle: 0, evicted: 0 };
    metrics.instances(d.name, s.live, s.idle);
    const before = seen.get(d.name) ?? 0;
    for (let i = before; i < s.evicted; i++) metrics.eviction(d.name, "instance");
    seen.set(d.name, Math.max(before, s.evicted));
  }
}
