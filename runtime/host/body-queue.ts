// A body the host receives by push (undici's handler callbacks for an upstream response): chunks are
// queued as they arrive and read synchronously when there are some, so an InputStream tells the guest
// "ready" without another suspension when the bytes came with the head (a small response always does).
// Past `highWater` buffered bytes the producer is paused, and resumed once the guest has read them.
import type { ChunkSource } from "./streams.ts";

export interface Flow {
  pause(): void;
  resume(): void;
  /** The reader is gone: stop producing. */
  cancel(): void;
}

export class BodyQueue implements ChunkSource {
  #chunks: Uint8Array[] = [];
  #bytes = 0;
  #ended = false;
  #error: unknown = null;
  #paused = false;
  #waiter: (() => void) | null = null;
  #flow: Flow;
  #highWater: number;

  constructor(flow: Flow, highWater = 64 * 1024) {
    this.#flow = flow;
    this.#highWater = highWater;
  }

  push(chunk: Uint8Array): void {
    if (this.#ended || chunk.byteLength === 0) return;
    this.#chunks.push(chunk);
    this.#bytes += chunk.byteLength;
    if (this.#bytes > this.#highWater && !this.#paused) {
      this.#paused = true;
      this.#flow.pause();
    }
    this.#wake();
  }

  end(): void {
    this.#ended = true;
    this.#wake();
  }

  fail(err: unknown): void {
    if (this.#ended) return;
    this.#error = err ?? new Error("upstream body failed");
    this.#ended = true;
    this.#wake();
  }

  #wake(): void {
    const w = this.#waiter;
    this.#waiter = null;
    w?.();
  }

  /**
   * A buffered chunk now; `null` at the end of the body; `undefined` when nothing is buffered yet.
   * Throws the producer's error once the chunks before it were read.
   */
  tryRead(): Uint8Array | null | undefined {
    const chunk = this.#chunks.shift();
    if (chunk) {
      this.#bytes -= chunk.byteLength;
      if (this.#paused && this.#bytes <= this.#highWater / 2) {
        this.#paused = false;
        this.#flow.resume();
      }
      return chunk;
    }
    if (this.#error !== null) {
      const err = this.#error;
      this.#error = null;
      throw err;
    }
    return this.#ended ? null : undefined;
  }

  /** Resolves when tryRead would return something other than `undefined` (one waiter at a time). */
  wait(): Promise<void> {
    if (this.#chunks.length || this.#ended) return Promise.resolve();
    return new Promise((resolve) => { this.#waiter = resolve; });
  }

  /** The reader dropped the body: drop what is queued and stop the producer if it is still going. */
  cancel(): void {
    const producing = !this.#ended;
    this.#chunks = [];
    this.#bytes = 0;
    this.#ended = true;
    this.#error = null;
    this.#wake();
    if (producing) this.#flow.cancel();
  }
}
