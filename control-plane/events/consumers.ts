// Which app consumes which queue, from the active deployments' primary manifests. One consumer per queue,
// as in Workers: a deploy that would give a queue a second consumer is refused (409); if two active apps
// still claim one (deployed concurrently), the one that held it keeps it, else the earlier-deployed one.
import { CONSUMER_INTS } from "../../core/config/schema.ts";
import { HttpError } from "../http/errors.ts";
import type { Store } from "../store/store.ts";
import type { Manifest } from "../../core/manifest.ts";
import { activeApps, primaryVersion, type ActiveApp } from "./active-apps.ts";
import type { ConsumerConfig } from "./types.ts";

export interface Consumer extends ConsumerConfig {
  app: string;
  manifest: Manifest;
}

/** The config's rule for this field (core/config/schema.ts): its default, and the value kept in its range. */
const int = (v: unknown, rule: { min: number; max: number; default: number }) =>
  typeof v === "number" && Number.isInteger(v) ? Math.min(rule.max, Math.max(rule.min, v)) : rule.default;

/** The manifest's consumers, defaults filled in and values kept in the config's ranges. */
export function consumersOf(manifest: Manifest): ConsumerConfig[] {
  const list = (manifest.queues?.consumers ?? []) as Partial<ConsumerConfig>[];
  return list.filter((c) => typeof c.queue === "string" && c.queue).map((c) => ({
    queue: c.queue!,
    maxBatchSize: int(c.maxBatchSize, CONSUMER_INTS.max_batch_size),
    maxBatchTimeout: int(c.maxBatchTimeout, CONSUMER_INTS.max_batch_timeout),
    maxRetries: int(c.maxRetries, CONSUMER_INTS.max_retries),
    deadLetterQueue: typeof c.deadLetterQueue === "string" && c.deadLetterQueue && c.deadLetterQueue !== c.queue ? c.deadLetterQueue : null,
  }));
}

export function producersOf(manifest: Manifest): string[] {
  return (manifest.queues?.producers ?? []).map((p) => p.queue);
}

export interface Resolution {
  consumers: Map<string, Consumer>;
  /** Queues claimed by more than one active app: who kept it, who is ignored. */
  conflicts: { queue: string; kept: string; ignored: string[] }[];
}

/** Assigns each consumed queue to one active app; `holders` (queue -> app) are who had it before. */
export function resolveConsumers(active: ActiveApp[], holders: ReadonlyMap<string, string> = new Map()): Resolution {
  const claims = new Map<string, { a: ActiveApp; c: ConsumerConfig }[]>();
  for (const a of active) for (const c of consumersOf(a.manifest)) claims.set(c.queue, [...(claims.get(c.queue) ?? []), { a, c }]);
  const consumers = new Map<string, Consumer>();
  const conflicts: Resolution["conflicts"] = [];
  for (const [queue, list] of claims) {
    list.sort((x, y) => x.a.activatedAt - y.a.activatedAt || x.a.app.localeCompare(y.a.app));
    const keep = list.find((x) => x.a.app === holders.get(queue)) ?? list[0];
    consumers.set(queue, { ...keep.c, app: keep.a.app, manifest: keep.a.manifest });
    if (list.length > 1) conflicts.push({ queue, kept: keep.a.app, ignored: list.filter((x) => x !== keep).map((x) => x.a.app) });
  }
  return { consumers, conflicts };
}

/** The manifests another app serves or is about to (its active and its preparing deployment's primary). */
function otherManifests(store: Store, app: string): { app: string; manifest: Manifest }[] {
  const out = activeApps(store).filter((a) => a.app !== app).map((a) => ({ app: a.app, manifest: a.manifest }));
  for (const rec of store.apps.list()) {
    const pending = rec.name !== app && rec.pendingDeployId ? store.deployments.get(rec.pendingDeployId) : undefined;
    const v = pending?.state === "preparing" ? store.apps.version(rec.name, primaryVersion(pending.versions)) : undefined;
    if (v) out.push({ app: rec.name, manifest: v.manifest });
  }
  return out;
}

/** 409 when deploying this version set would give a queue a second consumer. */
export function checkConsumerConflicts(store: Store, app: string, versions: { version: number; percent: number }[]): void {
  const v = versions.length ? store.apps.version(app, primaryVersion(versions)) : undefined;
  if (!v) return;
  const others = otherManifests(store, app);
  for (const c of consumersOf(v.manifest)) {
    const other = others.find((o) => consumersOf(o.manifest).some((oc) => oc.queue === c.queue));
    if (other) {
      throw new HttpError(409, "queue_has_consumer", `queue '${c.queue}' is already consumed by app '${other.app}'; a queue has one consumer (remove it from that app's [[queues.consumers]] first)`);
    }
  }
}
