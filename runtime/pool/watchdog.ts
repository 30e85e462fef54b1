// The pool's CPU watchdog (main thread): every 2 ms it reads each thread's CPU meter (cpu-meter.ts), and
// a guest that overran its request's budget is cut short inside its thread (interrupter.ts), after
// which the pool retires that thread; where cutting short is not possible (no inspector, no answer
// within 250 ms) the thread is terminated instead.
import { overrun } from "./cpu-meter.ts";
import { Interrupter } from "./interrupter.ts";
import type { RuntimeThread } from "./thread.ts";

/** A guest not cut short this long after the watchdog asked (stuck outside JS and wasm) has its thread terminated. */
const INTERRUPT_TIMEOUT_MS = 250;

export interface WatchdogOptions {
  /** Added to a request's CPU budget before the guest is stopped. */
  graceMs: number;
  /** Every thread to watch now (the pool's, and the retired ones still finishing). */
  threads(): Iterable<RuntimeThread>;
  /** Request `seq` was cut short on `t`, which keeps running: the pool retires it. */
  cutShort(t: RuntimeThread, seq: number): void;
}

export class Watchdog {
  #opts: WatchdogOptions;
  #interrupter = process.env.OUTPOST_NO_METER ? null : new Interrupter();
  #timer: NodeJS.Timeout;

  constructor(opts: WatchdogOptions) {
    this.#opts = opts;
    this.#timer = setInterval(() => this.#watch(), 2);
    this.#timer.unref();
  }

  #watch(): void {
    for (const t of this.#opts.threads()) {
      if (!t.alive || t.interrupting !== null) continue;
      const o = overrun(t.shared, this.#opts.graceMs, t.tid);
      if (o) this.#stopGuest(t, o.seq);
    }
  }

  /** Cuts request `seq` short on `t`, or terminates the thread when that is not possible. */
  #stopGuest(t: RuntimeThread, seq: number): void {
    const interrupter = this.#interrupter;
    if (!interrupter) return t.kill(seq);
    t.interrupting = seq;
    const timer = setTimeout(() => { if (t.interrupting === seq) t.kill(seq); }, INTERRUPT_TIMEOUT_MS);
    void interrupter.interrupt(t.name, seq).then((r) => {
      clearTimeout(timer);
      if (t.interrupting !== seq) return;
      t.interrupting = null;
      if (r === "terminated") this.#opts.cutShort(t, seq);
      else if (r === "unavailable") t.kill(seq);
    });
  }

  close(): void {
    clearInterval(this.#timer);
    this.#interrupter?.close();
  }
}
