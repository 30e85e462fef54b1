// Reads the decoded frames of the log stream ahead of the applier, so it can see what follows the
// entry it applies (catch-up.ts). The read-ahead is bounded (entries and approximate bytes, KV values
// counted): past it the source is paused, and TCP backpressure reaches the control plane, whose
// stream is pull-based. `next()` hands frames out in order; `later()` shows the ones behind.
import type { Readable } from "node:stream";

export interface QueueLimits { maxEntries: number; maxBytes: number }

const DEFAULT_LIMITS: QueueLimits = { maxEntries: 20_000, maxBytes: 64 * 1024 * 1024 };

/** A frame's rough size: its binary value (a KV value) plus a fixed allowance for the rest. */
function sizeOf(frame: unknown): number {
  const value = (frame as { value?: unknown }).value;
  return 512 + (value instanceof Uint8Array ? value.byteLength : 0);
}

export class FrameQueue {
  #source: Readable;
  #limits: QueueLimits;
  #frames: unknown[] = [];
  #bytes = 0;
  #done = false;
  #error: Error | null = null;
  /** The highest seq received, and whether a ping came (the stream had nothing more to send). */
  #lastSeq = 0;
  #pinged = false;
  #wake: (() => void) | null = null;

  constructor(source: Readable, limits: QueueLimits = DEFAULT_LIMITS) {
    this.#source = source;
    this.#limits = limits;
    source.on("data", (frame: unknown) => {
      this.#frames.push(frame);
      this.#bytes += sizeOf(frame);
      const f = frame as { seq?: unknown; t?: unknown };
      if (f.t === "ping") this.#pinged = true;
      else if (typeof f.seq === "number" && f.seq > this.#lastSeq) this.#lastSeq = f.seq;
      if (this.full) source.pause();
      this.#notify();
    });
    source.on("end", () => this.#finish(null));
    source.on("close", () => this.#finish(null));
    source.on("error", (err: Error) => this.#finish(err));
  }

  get full(): boolean { return this.#frames.length >= this.#limits.maxEntries || this.#bytes >= this.#limits.maxBytes; }

  #finish(err: Error | null): void {
    if (this.#done) return;
    this.#done = true;
    this.#error = err;
    this.#notify();
  }

  #notify(): void {
    const w = this.#wake;
    this.#wake = null;
    w?.();
  }

  #changed(): Promise<void> {
    return new Promise((resolve) => (this.#wake = resolve));
  }

  /** The next frame, in order; undefined once the stream ended; throws the stream's error. */
  async next(): Promise<unknown> {
    while (this.#frames.length === 0) {
      if (this.#done) {
        if (this.#error) throw this.#error;
        return undefined;
      }
      await this.#changed();
    }
    const frame = this.#frames.shift();
    this.#bytes -= sizeOf(frame);
    if (this.#source.isPaused() && !this.full) this.#source.resume();
    return frame;
  }

  /** The frames received after the last one handed out (do not modify). */
  later(): readonly unknown[] { return this.#frames; }

  /**
   * Waits until the read-ahead holds the entry `seq` (or a later one, or a ping: the stream is idle, so
   * it holds everything), is full, or the stream ended; at most `timeoutMs`.
   */
  async fill(seq: number, timeoutMs: number): Promise<void> {
    const end = Date.now() + timeoutMs;
    const reached = () => this.#pinged || this.#lastSeq >= seq;
    while (!this.#done && !this.full && !reached() && Date.now() < end) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.#changed(), new Promise<void>((r) => (timer = setTimeout(r, Math.max(0, end - Date.now()))))]);
      clearTimeout(timer);
    }
  }
}
