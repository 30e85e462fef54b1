// Delivers queue messages at least once (spec/events.md): for each queue with a consumer among the active
// apps, it forms batches of up to maxBatchSize visible messages (or fewer once the oldest has waited
// maxBatchTimeout), leases them, sends the batch to one live region serving the consumer (round robin; the
// next one if a region does not take it), and settles each message by its outcome: ack, retry, dead-letter.
import { settleOutcomes, type EventResult, type QueueEvent } from "../../runtime/events.ts";
import type { LiveRegions } from "../deploy/live-regions.ts";
import type { Store } from "../store/store.ts";
import type { RegionRecord } from "../store/types.ts";
import { activeApps } from "./active-apps.ts";
import { resolveConsumers, type Consumer } from "./consumers.ts";
import type { EventLog } from "./event-log.ts";
import { deliverEvent } from "./region-events.ts";
import { RoundRobin, servingRegions } from "./region-picker.ts";
import type { QueueStore, SettleReport } from "./queue-store.ts";
import type { StoredMessage } from "./types.ts";

export interface DispatcherOptions {
  /** How long a batch is leased (and its request may take); default the consumer's wall limit + 30 s. */
  leaseMs?: number;
  /** First retry backoff, doubling per delivery up to 30 s (default 1000). */
  retryBaseMs?: number;
  /** Batches of one queue in flight at once (default 2). */
  maxConcurrentBatches?: number;
  /** Longest sleep between looks at the queues (default 1000). */
  idlePollMs?: number;
  /** When no region takes a batch, its messages wait this long before the next try (default 1000). */
  noRegionDelayMs?: number;
}

const plural = (n: number, one: string, many: string = one + "s") => `${n} ${n === 1 ? one : many}`;

export class QueueDispatcher {
  #store: Store;
  #live: LiveRegions;
  #queues: QueueStore;
  #log: EventLog;
  #token: string;
  #opts: Required<Omit<DispatcherOptions, "leaseMs">> & { leaseMs?: number };
  #consumers = new Map<string, Consumer>();
  #inflight = new Map<string, number>();
  #pending = new Set<Promise<void>>();
  #rr = new RoundRobin();
  #warned = new Set<string>();
  #timer: NodeJS.Timeout | undefined;
  #ticking = false;
  #again = false;
  #closed = false;
  #abort = new AbortController();

  constructor(store: Store, live: LiveRegions, queues: QueueStore, log: EventLog, regionToken: string, options: DispatcherOptions = {}) {
    this.#store = store;
    this.#live = live;
    this.#queues = queues;
    this.#log = log;
    this.#token = regionToken;
    this.#opts = { retryBaseMs: 1000, maxConcurrentBatches: 2, idlePollMs: 1000, noRegionDelayMs: 1000, ...options };
  }

  /** The queue's consumer now, if any. */
  consumer(queue: string): Consumer | undefined {
    return this.#consumers.get(queue);
  }

  consumers(): Consumer[] {
    return [...this.#consumers.values()];
  }

  /** Re-reads the consumers from the active deployments (after a deploy, rollback or app deletion). */
  refresh(): void {
    const holders = new Map([...this.#consumers].map(([q, c]) => [q, c.app]));
    const { consumers, conflicts } = resolveConsumers(activeApps(this.#store), holders);
    for (const { queue, kept, ignored } of conflicts) {
      for (const app of ignored) {
        const key = `${queue}\0${kept}\0${app}`;
        if (this.#warned.has(key)) continue;
        this.#warned.add(key);
        this.#log.line(app, "warn", `queue ${queue}: also consumed by app '${kept}', which keeps it (one consumer per queue); this app's consumer is ignored`);
      }
    }
    this.#consumers = consumers;
    this.wake();
  }

  /** Looks at the queues now (a send, a settled batch, a region change). */
  wake(): void {
    if (this.#closed) return;
    if (this.#ticking) {
      this.#again = true;
      return;
    }
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#run(), 0);
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#abort.abort();
    await Promise.allSettled([...this.#pending]);
  }

  async #run(): Promise<void> {
    if (this.#closed || this.#store.closed) return;
    this.#ticking = true;
    let nextAt = Date.now() + this.#opts.idlePollMs;
    try {
      do {
        this.#again = false;
        nextAt = await this.#tick();
      } while (this.#again && !this.#closed);
    } catch (e) {
      if (!this.#closed) console.error("control plane: queue dispatcher:", e);
    } finally {
      this.#ticking = false;
    }
    if (this.#closed) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#run(), Math.max(0, nextAt - Date.now()));
  }

  /** Starts every batch that is due; answers when to look again. */
  async #tick(): Promise<number> {
    let nextAt = Date.now() + this.#opts.idlePollMs;
    for (const c of this.#consumers.values()) {
      while (!this.#closed && (this.#inflight.get(c.queue) ?? 0) < this.#opts.maxConcurrentBatches) {
        const now = Date.now();
        const visible = this.#queues.visible(c.queue, c.maxBatchSize, now);
        if (visible.count === 0) {
          const at = this.#queues.nextVisibleAt(c.queue, now);
          if (at !== undefined) nextAt = Math.min(nextAt, at);
          break;
        }
        const due = visible.oldest + c.maxBatchTimeout * 1000;
        if (visible.count < c.maxBatchSize && now < due) {
          nextAt = Math.min(nextAt, due);
          break;
        }
        const regions = servingRegions(this.#store, this.#live, c.manifest);
        if (regions.length === 0) {
          if (!this.#warned.has(`noregion\0${c.queue}`)) this.#log.line(c.app, "warn", `queue ${c.queue}: no live region serves the app; messages wait`);
          this.#warned.add(`noregion\0${c.queue}`);
          break;
        }
        this.#warned.delete(`noregion\0${c.queue}`);
        const leased = await this.#queues.lease(c.queue, c.maxBatchSize, this.#leaseMs(c));
        if (leased.length === 0) break;
        this.#start(c, leased, regions);
      }
    }
    return nextAt;
  }

  #leaseMs(c: Consumer): number {
    return this.#opts.leaseMs ?? (c.manifest.limits?.wallMs ?? 30_000) + 30_000;
  }

  #start(c: Consumer, leased: StoredMessage[], regions: RegionRecord[]): void {
    this.#inflight.set(c.queue, (this.#inflight.get(c.queue) ?? 0) + 1);
    const p: Promise<void> = this.#deliver(c, leased, regions)
      .catch((e) => {
        if (!this.#closed) console.error(`control plane: queue ${c.queue}: delivery failed:`, e);
      })
      .finally(() => {
        this.#inflight.set(c.queue, (this.#inflight.get(c.queue) ?? 1) - 1);
        this.#pending.delete(p);
        this.wake();
      });
    this.#pending.add(p);
  }

  async #deliver(c: Consumer, leased: StoredMessage[], regions: RegionRecord[]): Promise<void> {
    const event: QueueEvent = {
      type: "queue",
      queue: c.queue,
      messages: leased.map((m) => ({ id: m.id, timestamp: m.timestamp, body: m.body, contentType: m.contentType, attempts: m.attempts })),
    };
    const skipped: string[] = [];
    for (const region of this.#rr.order(c.app, regions)) {
      const d = await deliverEvent(region, this.#token, c.app, event, this.#leaseMs(c), this.#abort.signal);
      if (this.#closed) return;
      if (d.kind === "not-run") {
        skipped.push(`${region.name} (${d.reason})`);
        continue;
      }
      const result: EventResult = d.kind === "ran" ? d.result : { ok: false, error: d.reason, ms: d.roundTripMs };
      const report = await this.#queues.settle(leased, settleOutcomes(result, leased.length), c, this.#opts.retryBaseMs);
      this.#report(c, region.name, leased.length, result, report, skipped);
      return;
    }
    await this.#queues.release(leased, this.#opts.noRegionDelayMs);
    this.#log.line(c.app, "warn", `queue ${c.queue}: batch of ${plural(leased.length, "message")} not delivered: no region took it: ${skipped.join("; ")}; it waits ${this.#opts.noRegionDelayMs} ms`);
  }

  #report(c: Consumer, region: string, n: number, result: EventResult, r: SettleReport, skipped: string[]): void {
    const parts = [`${r.acked} acked`];
    if (r.retried) parts.push(`${r.retried} retried`);
    if (r.deadLettered.length) parts.push(`${r.deadLettered.length} dead-lettered`);
    if (r.dropped.length) parts.push(`${r.dropped.length} dropped`);
    if (r.stale) parts.push(`${r.stale} already redelivered (lease expired)`);
    const after = skipped.length ? `; skipped ${skipped.join("; ")}` : "";
    const ms = Math.round(result.ms);
    const head = `queue ${c.queue}: batch of ${plural(n, "message")}`;
    if (result.ok) this.#log.line(c.app, "info", `${head} ran on ${region}: ok in ${ms} ms (${parts.join(", ")})${after}`);
    else this.#log.line(c.app, "error", `${head} failed on ${region} after ${ms} ms: ${result.error} (${parts.join(", ")})${after}`);
    for (const d of r.deadLettered) {
      this.#log.line(c.app, "warn", `queue ${c.queue}: message ${d.id} moved to dead-letter queue ${d.to} after ${plural(d.attempts, "delivery", "deliveries")}`);
    }
    for (const d of r.dropped) {
      this.#log.line(c.app, "warn", `queue ${c.queue}: message ${d.id} dropped after ${plural(d.attempts, "delivery", "deliveries")} (no dead_letter_queue configured)`);
    }
    if (r.deadLettered.length) this.wake();
  }
}
