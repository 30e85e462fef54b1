// Durable queue messages in the `queue-messages` LMDB db, keyed `[queue, visibleAt, id]` so a queue's
// visible messages are the start of its key range. Sends commit before they are acknowledged; a lease
// moves its messages to `[queue, leaseEnd, id]`, so an expired lease makes them visible again on its own.
import { randomBytes } from "node:crypto";
import type { OutgoingQueueMessage } from "../../runtime/events.ts";
import type { StoreCore } from "../store/core.ts";
import { afterRetry, retryDelayMs } from "./queue-rules.ts";
import { messageState, type ConsumerConfig, type MessageState, type StoredMessage } from "./types.ts";

type Key = [string, number, string];
const keyOf = (m: StoredMessage): Key => [m.queue, m.visibleAt, m.id];

let counter = 0;
function newId(now: number): string {
  counter = (counter + 1) & 0xffff;
  return now.toString(16).padStart(12, "0") + counter.toString(16).padStart(4, "0") + randomBytes(8).toString("hex");
}

export interface SettleReport {
  acked: number;
  retried: number;
  deadLettered: { id: string; to: string; attempts: number }[];
  dropped: { id: string; attempts: number }[];
  /** Messages whose lease had already expired (they are someone else's now): left alone. */
  stale: number;
}

export class QueueStore {
  #core: StoreCore;

  constructor(core: StoreCore) {
    this.#core = core;
  }

  get #db() {
    return this.#core.dbs.queueMessages;
  }

  #range(queue: string, from: number = 0, to: number = Infinity) {
    return this.#db.getRange({ start: [queue, from], end: [queue, to] });
  }

  /** Stores the messages (visible after their delay) and answers their ids once committed. */
  send(queue: string, messages: OutgoingQueueMessage[]): Promise<string[]> {
    return this.#core.write((_append, now) =>
      messages.map((m) => {
        const rec: StoredMessage = {
          id: newId(now), queue, body: m.body, contentType: m.contentType, timestamp: now, attempts: 0,
          visibleAt: now + (m.delaySeconds ?? 0) * 1000, state: "waiting",
        };
        this.#db.put(keyOf(rec), rec);
        return rec.id;
      }),
    );
  }

  /** Every queue that holds messages. */
  queues(): string[] {
    const names = new Set<string>();
    for (const key of this.#db.getKeys()) names.add((key as Key)[0]);
    return [...names];
  }

  depth(queue: string, now: number = Date.now()): Record<MessageState, number> {
    const depth = { ready: 0, delayed: 0, inFlight: 0 };
    for (const { value } of this.#range(queue)) depth[messageState(value, now)]++;
    return depth;
  }

  /** The first `limit` messages in visibility order, without consuming them. */
  peek(queue: string, limit: number): StoredMessage[] {
    return Array.from(this.#db.getRange({ start: [queue, 0], end: [queue, Infinity], limit }), (e) => e.value);
  }

  /** How many messages are visible now (up to `limit`), and since when the oldest of them is. */
  visible(queue: string, limit: number, now: number = Date.now()): { count: number; oldest: number } {
    let count = 0;
    let oldest = Infinity;
    for (const key of this.#db.getKeys({ start: [queue, 0], end: [queue, now + 1], limit })) {
      count++;
      oldest = Math.min(oldest, (key as Key)[1]);
    }
    return { count, oldest };
  }

  /** When the next message that is not visible yet becomes visible, if any. */
  nextVisibleAt(queue: string, now: number = Date.now()): number | undefined {
    for (const key of this.#db.getKeys({ start: [queue, now + 1], end: [queue, Infinity], limit: 1 })) return (key as Key)[1];
    return undefined;
  }

  /** Leases up to `max` visible messages for `leaseMs`: each counts one more delivery. */
  lease(queue: string, max: number, leaseMs: number): Promise<StoredMessage[]> {
    return this.#core.write((_append, now) => {
      const leaseId = randomBytes(8).toString("hex");
      const found = Array.from(this.#db.getRange({ start: [queue, 0], end: [queue, now + 1], limit: max }));
      return found.map(({ key, value }) => {
        const next: StoredMessage = { ...value, attempts: value.attempts + 1, state: "leased", leaseId, visibleAt: now + leaseMs };
        this.#db.remove(key);
        this.#db.put(keyOf(next), next);
        return next;
      });
    });
  }

  /** The current record of a leased message if the lease is still the one given (not expired and re-leased). */
  #held(m: StoredMessage): StoredMessage | undefined {
    const cur = this.#db.get(keyOf(m));
    return cur && cur.state === "leased" && cur.leaseId === m.leaseId ? cur : undefined;
  }

  #put(m: StoredMessage, changes: Partial<StoredMessage>): void {
    this.#db.remove(keyOf(m));
    const next: StoredMessage = { ...m, ...changes, state: "waiting" };
    delete next.leaseId;
    this.#db.put(keyOf(next), next);
  }

  /**
   * Gives leased messages back unconsumed (no region took the batch): visible again after `delayMs`, and
   * this delivery is not counted.
   */
  release(leased: StoredMessage[], delayMs: number): Promise<number> {
    return this.#core.write((_append, now) => {
      let n = 0;
      for (const m of leased) {
        const cur = this.#held(m);
        if (!cur) continue;
        this.#put(cur, { attempts: Math.max(0, cur.attempts - 1), visibleAt: now + delayMs });
        n++;
      }
      return n;
    });
  }

  /** Applies each message's final outcome: ack deletes; retry goes round again, to the dead-letter queue, or away. */
  settle(leased: StoredMessage[], outcomes: Array<"ack" | "retry">, consumer: ConsumerConfig, retryBaseMs: number): Promise<SettleReport> {
    return this.#core.write((_append, now) => {
      const report: SettleReport = { acked: 0, retried: 0, deadLettered: [], dropped: [], stale: 0 };
      leased.forEach((m, i) => {
        const cur = this.#held(m);
        if (!cur) return void report.stale++;
        if (outcomes[i] === "ack") {
          this.#db.remove(keyOf(cur));
          return void report.acked++;
        }
        const next = afterRetry(cur.attempts, consumer.maxRetries, consumer.deadLetterQueue);
        if (next === "retry") {
          this.#put(cur, { visibleAt: now + retryDelayMs(cur.attempts, retryBaseMs) });
          report.retried++;
        } else if (next === "dead-letter") {
          this.#db.remove(keyOf(cur));
          this.#put({ ...cur, queue: consumer.deadLetterQueue!, attempts: 0, visibleAt: now }, {});
          report.deadLettered.push({ id: cur.id, to: consumer.deadLetterQueue!, attempts: cur.attempts });
        } else {
          this.#db.remove(keyOf(cur));
          report.dropped.push({ id: cur.id, attempts: cur.attempts });
        }
      });
      return report;
    });
  }

  /** At start-up: leases held by a previous process are over; their messages are visible at once. */
  recoverLeases(): Promise<number> {
    return this.#core.write((_append, now) => {
      const leased = Array.from(this.#db.getRange(), (e) => e.value).filter((m) => m.state === "leased");
      for (const m of leased) this.#put(m, { visibleAt: Math.min(m.visibleAt, now) });
      return leased.length;
    });
  }
}
