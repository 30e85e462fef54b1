// One scheduled or queue event on the main thread while a worker thread runs it: posts it whole,
// resolves with the worker's EventResult, and turns the thread's death into a failed result (a CPU
// limit when the watchdog stopped the thread for this event). Events are never replayed here:
// redelivery (at least once) is the caller's business.
import type { AppEvent, EventResult } from "../events.ts";
import { nextExchangeId } from "./exchange.ts";
import type { FromWorker } from "./protocol.ts";
import type { ExchangeSink, RuntimeThread } from "./thread.ts";

export class PoolEvent implements ExchangeSink {
  readonly id = nextExchangeId();
  readonly done: Promise<EventResult>;
  #settle!: (r: EventResult) => void;
  #thread: RuntimeThread | null = null;
  #start = performance.now();

  constructor() {
    this.done = new Promise((r) => (this.#settle = r));
  }

  /** Sends the event to `thread`, where app version `key` is loaded. */
  run(thread: RuntimeThread, key: string, event: AppEvent, requestId: string): void {
    if (!thread.alive) return this.onThreadDeath(false);
    this.#thread = thread;
    thread.exchanges.set(this.id, this);
    // Each body travels as its own copy, moved: a view into a larger buffer (a decoded message
    // batch) would otherwise clone the whole buffer once per message. `new Uint8Array(view)` copies
    // (a Buffer's `slice()` would not: it returns a view into Node's shared, untransferable pool).
    const transfer: ArrayBuffer[] = [];
    const posted: AppEvent = event.type === "scheduled" ? event : {
      ...event,
      messages: event.messages.map((msg) => {
        const body = new Uint8Array(msg.body);
        transfer.push(body.buffer);
        return { ...msg, body };
      }),
    };
    thread.post({ t: "event", id: this.id, key, requestId, event: posted }, transfer);
  }

  onMessage(m: FromWorker): void {
    if (m.t === "event.done") this.#finish(m.result);
  }

  onThreadDeath(culprit: boolean): void {
    void this.fail(culprit ? "exceeded the CPU limit (limits.cpu_ms); the worker running it was stopped" : "the worker thread running this event stopped", culprit ? "cpu" : undefined);
  }

  /** Settles with a failure found on the main thread (nothing ran, or the thread died). */
  fail(error: string, limit?: string): Promise<EventResult> {
    const ms = performance.now() - this.#start;
    this.#finish(limit ? { ok: false, error, limit, ms } : { ok: false, error, ms });
    return this.done;
  }

  #finish(result: EventResult): void {
    this.#thread?.exchanges.delete(this.id);
    this.#thread = null;
    this.#settle(result);
  }
}
