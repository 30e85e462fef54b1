// wasi:io/streams for the host: an InputStream reads from a ChunkSource (an upstream response's
// BodyQueue, read synchronously when bytes are there) or any async iterable (a request body); an
// OutputStream writes to a Sink that may be attached after writes begin (a response head is sent
// only once the guest sets the response-outparam). Errors follow the WIT:
// `closed` at end of stream, `last-operation-failed` with an io error otherwise.
import { IoError, Pollable } from "./poll.ts";

type StreamError = { tag: "closed" } | { tag: "last-operation-failed"; val: IoError };
const CLOSED: StreamError = { tag: "closed" };
const EMPTY = new Uint8Array(0);

/**
 * What an InputStream reads from. `tryRead` gives a chunk now, `null` at the end, `undefined` when
 * nothing is there yet (and throws the source's error); `wait` resolves (never rejects) once `tryRead`
 * has an answer; `cancel` stops the source when the guest drops the stream.
 */
export interface ChunkSource {
  tryRead(): Uint8Array | null | undefined;
  wait(): Promise<void>;
  cancel(): void;
}

const toBytes = (v: Uint8Array | string): Uint8Array =>
  typeof v === "string" ? new TextEncoder().encode(v) : new Uint8Array(v.buffer, v.byteOffset, v.byteLength);

/** A ChunkSource over an async iterable (a request body): one `next()` at a time, its answer kept. */
class IteratorSource implements ChunkSource {
  #iterator: AsyncIterator<Uint8Array | string>;
  #result: { value: Uint8Array } | { done: true } | { error: unknown } | null = null;
  #pending: Promise<void> | null = null;
  constructor(source: AsyncIterable<Uint8Array | string>) { this.#iterator = source[Symbol.asyncIterator](); }
  tryRead(): Uint8Array | null | undefined {
    const r = this.#result;
    if (!r) return undefined;
    this.#result = null;
    if ("error" in r) throw r.error;
    return "done" in r ? null : r.value;
  }
  wait(): Promise<void> {
    if (this.#result) return Promise.resolve();
    this.#pending ??= this.#iterator.next().then(
      (r) => { this.#pending = null; this.#result = r.done ? { done: true } : { value: toBytes(r.value) }; },
      (error: unknown) => { this.#pending = null; this.#result = { error }; },
    );
    return this.#pending;
  }
  cancel(): void { void this.#iterator.return?.()?.catch(() => undefined); }
}

export class InputStream {
  #source: ChunkSource | null;
  #buffer: Uint8Array = EMPTY;
  #ended = false;
  #error: IoError | null = null;
  #waiting: Promise<void> | null = null;
  #onEnd: (() => void) | undefined;

  /** From an async iterable (read one chunk ahead on demand) or a ChunkSource (a BodyQueue). */
  constructor(source: AsyncIterable<Uint8Array> | ChunkSource | null, onEnd?: () => void) {
    this.#source = !source ? null : "tryRead" in source ? source : new IteratorSource(source);
    this.#onEnd = onEnd;
    if (!source) this.#finish();
  }

  #finish(): void {
    this.#ended = true;
    this.#source = null;
    const cb = this.#onEnd;
    this.#onEnd = undefined;
    cb?.();
  }

  /** True when a read can answer now (bytes, the end or an error); takes what the source has ready. */
  #fill(): boolean {
    if (this.#buffer.byteLength > 0 || this.#ended) return true;
    try {
      const chunk = this.#source!.tryRead();
      if (chunk === undefined) return false;
      if (chunk === null) this.#finish();
      else this.#buffer = chunk;
    } catch (err) {
      this.#error = new IoError(err instanceof Error ? err.message : String(err));
      this.#finish();
    }
    return true;
  }

  #wait(): Promise<void> {
    this.#waiting ??= this.#source!.wait().then(() => { this.#waiting = null; });
    return this.#waiting;
  }

  #take(len: bigint): Uint8Array {
    if (!this.#fill()) {
      void this.#wait();
      return EMPTY;
    }
    if (this.#buffer.byteLength > 0) {
      const n = Math.min(Number(len), this.#buffer.byteLength);
      const out = this.#buffer.subarray(0, n); // the glue copies it into the guest's memory at once
      this.#buffer = this.#buffer.subarray(n);
      return out;
    }
    if (this.#error) {
      const error = this.#error;
      this.#error = null;
      throw { tag: "last-operation-failed", val: error } satisfies StreamError;
    }
    throw CLOSED;
  }

  read(len: bigint): Uint8Array { return this.#take(len); }

  async blockingRead(len: bigint): Promise<Uint8Array> {
    while (len > 0n && !this.#fill()) await this.#wait();
    return this.#take(len);
  }

  skip(len: bigint): bigint { return BigInt(this.#take(len).byteLength); }
  async blockingSkip(len: bigint): Promise<bigint> { return BigInt((await this.blockingRead(len)).byteLength); }

  subscribe(): Pollable {
    if (this.#fill()) return Pollable.ready();
    return new Pollable(this.#wait());
  }

  /** Stop reading the source (the guest dropped the stream). */
  [Symbol.dispose](): void {
    const source = this.#source;
    this.#source = null;
    this.#ended = true;
    source?.cancel();
  }
}

/** Where an OutputStream's bytes go. `write` may return a promise to push back. */
export interface Sink {
  write(chunk: Uint8Array): void | Promise<void>;
}

const WRITE_BUDGET = 64 * 1024;

export class OutputStream {
  #sink: Sink | null;
  #queued: Uint8Array[] = [];
  #inflight: Promise<void> | null = null;
  #queuedBytes = 0;
  #error: IoError | null = null;
  #closed = false;
  #limit: ((bytes: number) => string | null) | undefined;
  #written = 0;

  /** `limit` is asked before each write with the running total; a message refuses the write. */
  constructor(sink: Sink | null = null, limit?: (bytes: number) => string | null) {
    this.#sink = sink;
    this.#limit = limit;
  }

  attach(sink: Sink): void {
    this.#sink = sink;
    void this.#drain();
  }

  close(): void { this.#closed = true; }
  get bytesWritten(): number { return this.#written; }

  /** Resolves once every accepted byte reached the sink, or when no more can (no sink yet, or a write failed). */
  async flushed(): Promise<void> {
    while (this.#queued.length || this.#inflight) {
      if (!this.#sink) return; // nothing can drain until a sink is attached
      if (this.#error && !this.#inflight) return; // #drain stops at an error: the rest never drains
      await (this.#inflight ?? this.#drain());
    }
  }

  async #drain(): Promise<void> {
    if (this.#inflight || !this.#sink) return;
    while (this.#queued.length && this.#sink && !this.#error) {
      const chunk = this.#queued.shift()!;
      const size = chunk.byteLength; // a sink may transfer (detach) the chunk's buffer
      try {
        const r = this.#sink.write(chunk);
        if (r) {
          this.#inflight = r;
          await r;
        }
      } catch (err) {
        this.#error = new IoError(err instanceof Error ? err.message : String(err));
      } finally {
        this.#inflight = null;
        this.#queuedBytes -= size;
      }
    }
  }

  #check(): void {
    if (this.#error) throw { tag: "last-operation-failed", val: this.#error } satisfies StreamError;
    if (this.#closed) throw CLOSED;
  }

  checkWrite(): bigint {
    this.#check();
    // Until a sink is attached (a response whose head is not sent yet) bytes are buffered freely.
    if (!this.#sink) return BigInt(WRITE_BUDGET);
    return BigInt(Math.max(0, WRITE_BUDGET - this.#queuedBytes));
  }

  write(contents: Uint8Array): void {
    this.#check();
    if (contents.byteLength === 0) return;
    this.#written += contents.byteLength;
    const refusal = this.#limit?.(this.#written);
    if (refusal) {
      this.#error = new IoError(refusal);
      this.#check();
    }
    this.#queued.push(contents.slice());
    this.#queuedBytes += contents.byteLength;
    void this.#drain();
  }

  async blockingWriteAndFlush(contents: Uint8Array): Promise<void> {
    this.write(contents);
    await this.blockingFlush();
  }

  flush(): void { this.#check(); }

  async blockingFlush(): Promise<void> {
    this.#check();
    await this.flushed();
    this.#check();
  }

  writeZeroes(len: bigint): void { this.write(new Uint8Array(Number(len))); }
  async blockingWriteZeroesAndFlush(len: bigint): Promise<void> { await this.blockingWriteAndFlush(new Uint8Array(Number(len))); }

  splice(src: InputStream, len: bigint): bigint {
    const chunk = src.read(len);
    this.write(chunk);
    return BigInt(chunk.byteLength);
  }

  async blockingSplice(src: InputStream, len: bigint): Promise<bigint> {
    const chunk = await src.blockingRead(len);
    await this.blockingWriteAndFlush(chunk);
    return BigInt(chunk.byteLength);
  }

  subscribe(): Pollable {
    if (this.#error || this.#closed || this.#queuedBytes < WRITE_BUDGET || !this.#sink) return Pollable.ready();
    return new Pollable(this.flushed());
  }

  [Symbol.dispose](): void { /* bytes already accepted still drain to the sink */ }
}
