// CPU time per request for guests on one thread. Under JSPI a guest runs in slices: from a call
// into the component (WebAssembly.promising) or a resumption after a suspending import, until it
// suspends again or returns. This module wraps the thread's WebAssembly.promising and
// WebAssembly.Suspending so every slice is charged to the instance that runs it, and publishes
// the running slice in a SharedArrayBuffer that the pool's watchdog on the main thread reads: a
// slice that outlives its request's remaining budget (an infinite loop never yields) is cut short
// (runtime/pool/self-interrupt.ts), or its worker terminated where that is not possible. Budgets exceeded across many short slices trap the guest at its next resume.
// Slices are charged the thread's CPU time (process.threadCpuUsage), so time the OS gives other
// threads is not billed; the watchdog uses wall time, the only clock another thread can read.

import { readFileSync, readlinkSync } from "node:fs";

/** What a slice is charged to: the instance's current request, if any. */
export interface CpuAccount {
  /** Numeric request id, published to the watchdog. */
  seq: number;
  budgetMs: number;
  usedMs: number;
  exceeded: boolean;
}

export interface CpuOwner {
  account: CpuAccount | null;
}

// Float64 slots of the shared buffer.
const IN_SLICE = 0;
const SLICE_START = 1;
const REMAINING = 2;
const SEQ = 3;
const SLICE_CPU_START = 4;
export const METER_SLOTS = 5;

const now = () => performance.timeOrigin + performance.now();
/** This thread's CPU time in ms (user + system): what a request is charged, not wall time. */
const cpuNow = () => {
  const u = process.threadCpuUsage();
  return (u.user + u.system) / 1000;
};

/** The JSPI members of WebAssembly (Node 24+), which TypeScript's lib does not declare yet. */
type Jspi = {
  Suspending: new (fn: (...args: any[]) => unknown) => object;
  promising(fn: Function): (...args: any[]) => Promise<unknown>;
};
const wasm = WebAssembly as unknown as Jspi;

export class CpuExceeded extends Error {
  constructor(budgetMs: number) {
    super(`exceeded the CPU limit of ${budgetMs} ms for one request (limits.cpu_ms)`);
  }
}

export class CpuMeter {
  readonly shared: Float64Array;
  #owner: CpuOwner | null = null;
  #depth = 0;
  #sliceStart = 0;
  #sliceCpuStart = 0;
  /** Counts suspensions, so a promising call can tell whether it suspended. */
  suspensions = 0;
  /** The instance being instantiated right now: the wrappers created meanwhile belong to it. */
  instantiating: CpuOwner | null = null;

  constructor(buffer: SharedArrayBuffer) {
    this.shared = new Float64Array(buffer);
  }

  #start(owner: CpuOwner): void {
    this.#owner = owner;
    this.#sliceStart = now();
    const a = owner.account;
    if (a) {
      this.#sliceCpuStart = cpuNow();
      this.shared[SLICE_CPU_START] = this.#sliceCpuStart;
      this.shared[SEQ] = a.seq;
      this.shared[REMAINING] = Math.max(0, a.budgetMs - a.usedMs);
      this.shared[SLICE_START] = this.#sliceStart;
      this.shared[IN_SLICE] = 1;
    }
  }

  #stop(): void {
    const owner = this.#owner;
    this.#owner = null;
    this.shared[IN_SLICE] = 0;
    const a = owner?.account;
    if (a) {
      a.usedMs += cpuNow() - this.#sliceCpuStart;
      if (a.usedMs > a.budgetMs) a.exceeded = true;
    }
  }

  enter(owner: CpuOwner): void {
    if (this.#depth++ === 0) this.#start(owner);
  }

  leave(): void {
    if (this.#depth === 0) return;
    if (--this.#depth === 0) this.#stop();
  }

  /** The whole guest stack suspends: close the slice, remember the nesting for the resume. */
  suspend(): number {
    const depth = this.#depth;
    this.suspensions++;
    if (depth > 0) {
      this.#depth = 0;
      this.#stop();
    }
    return depth;
  }

  resume(owner: CpuOwner, depth: number): void {
    if (owner.account?.exceeded) throw new CpuExceeded(owner.account.budgetMs);
    if (depth > 0) {
      this.#depth = depth;
      this.#start(owner);
    }
  }

  /**
   * Request `seq`'s slice is running now and is being cut short (runtime/pool/self-interrupt.ts): closes
   * the slice and forgets the nesting, as the unwinding guest will never leave it. False when `seq` is
   * not the slice running now.
   */
  abandon(seq: number): boolean {
    if (this.#depth === 0 || this.shared[IN_SLICE] !== 1 || this.shared[SEQ] !== seq) return false;
    const account = this.#owner?.account;
    this.#depth = 0;
    this.#stop();
    if (account) account.exceeded = true;
    return true;
  }

  /** After a call that suspended completes: its last slice ends now. */
  finish(): void {
    if (this.#depth > 0) {
      this.#depth = 0;
      this.#stop();
    }
  }

  /**
   * Replaces this thread's WebAssembly.promising and WebAssembly.Suspending with metering
   * wrappers. jco's glue creates both at instantiation, so every component instantiated on this
   * thread afterwards is metered. Call once per thread.
   */
  install(): void {
    const meter = this;
    const OriginalSuspending = wasm.Suspending;
    const originalPromising = wasm.promising;
    const Suspending = function (this: unknown, fn: (...args: unknown[]) => unknown) {
      const owner = meter.instantiating;
      if (!owner) return new OriginalSuspending(fn);
      return new OriginalSuspending(async function (this: unknown, ...args: unknown[]) {
        const depth = meter.suspend();
        try {
          return await fn.apply(this, args);
        } finally {
          meter.resume(owner, depth);
        }
      });
    };
    Object.defineProperty(WebAssembly, "Suspending", { value: Suspending, writable: true, configurable: true });
    wasm.promising = function (fn: Function) {
      const owner = meter.instantiating;
      const promising = originalPromising(fn);
      if (!owner) return promising;
      return function (this: unknown, ...args: unknown[]) {
        const before = meter.suspensions;
        meter.enter(owner);
        let result: Promise<unknown>;
        try {
          result = promising.apply(this, args);
        } finally {
          meter.leave();
        }
        if (meter.suspensions !== before) {
          const end = () => meter.finish();
          result.then(end, end);
        }
        return result;
      };
    };
  }
}

/** This thread's Linux task id, so another thread can read its CPU time; null off Linux. */
export function threadId(): string | null {
  try { return readlinkSync("/proc/thread-self").split("/").pop() ?? null; } catch { return null; }
}

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** CPU time (ms, 10 ms resolution) of a thread of this process, from /proc; null if unreadable. */
function threadCpuMs(tid: string): number | null {
  try {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS; // utime, stime
  } catch {
    return null;
  }
}

/**
 * Main-thread side: the slice a worker is running, if it has outlived its request's remaining
 * CPU budget. Wall time finds candidates cheaply; the thread's CPU time from /proc confirms, so
 * a thread that was merely descheduled or paused (a busy machine) is not stopped.
 */
export function overrun(shared: Float64Array, graceMs: number, tid: string | null): { seq: number; ranMs: number } | null {
  if (shared[IN_SLICE] !== 1) return null;
  const limit = shared[REMAINING] + graceMs;
  const ranMs = now() - shared[SLICE_START];
  if (ranMs <= limit) return null;
  if (tid) {
    const cpu = threadCpuMs(tid);
    // /proc counts in whole ticks: allow one tick of rounding.
    if (cpu !== null && cpu - shared[SLICE_CPU_START] <= limit + TICK_MS) return null;
  }
  return { seq: shared[SEQ], ranMs };
}
