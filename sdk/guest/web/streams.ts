// Async iteration of a ReadableStream (values() and [Symbol.asyncIterator]) and ReadableStream.from
// (Streams §4.2.2, §4.2.5) where the engine lacks them, built on its default reader.
import { defineMethod, hasMethod } from "./define.ts";

const AsyncIteratorPrototype: object = Object.getPrototypeOf(Object.getPrototypeOf(async function* () {}).prototype);

/** The iterator values() returns: it holds the stream's reader from the start; calls run one at a time. */
class ReadableStreamAsyncIterator<R> {
  readonly #reader: ReadableStreamDefaultReader<R>;
  readonly #preventCancel: boolean;
  #finished = false;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(stream: ReadableStream<R>, preventCancel: boolean) {
    this.#reader = stream.getReader();
    this.#preventCancel = preventCancel;
  }

  #serially<T>(step: () => Promise<T>): Promise<T> {
    const result = this.#queue.then(step);
    this.#queue = result.catch(() => {});
    return result;
  }

  next(): Promise<IteratorResult<R, undefined>> {
    return this.#serially(async () => {
      if (this.#finished) return { done: true, value: undefined };
      try {
        const r = await this.#reader.read();
        if (r.done) this.#finish();
        return r.done ? { done: true, value: undefined } : { done: false, value: r.value };
      } catch (err) {
        this.#finish();
        throw err;
      }
    });
  }

  return(value?: unknown): Promise<IteratorResult<R, undefined>> {
    return this.#serially(async () => {
      if (!this.#finished) {
        const cancelled = this.#preventCancel ? undefined : this.#reader.cancel(value);
        this.#finish();
        await cancelled;
      }
      return { done: true, value: value as undefined };
    });
  }

  #finish(): void {
    this.#finished = true;
    this.#reader.releaseLock();
  }

  static {
    Object.setPrototypeOf(this.prototype, AsyncIteratorPrototype);
    Object.defineProperty(this.prototype, Symbol.toStringTag, { value: "ReadableStreamAsyncIterator", configurable: true });
  }
}

export function values<R>(this: ReadableStream<R>, options?: { preventCancel?: boolean }): AsyncIterableIterator<R> {
  return new ReadableStreamAsyncIterator(this, Boolean(options?.preventCancel)) as unknown as AsyncIterableIterator<R>;
}

type AnyIterator = { next(): unknown; return?(value?: unknown): unknown };

function resultOf(r: unknown, what: string): IteratorResult<unknown> {
  if (typeof r !== "object" || r === null) throw new TypeError(`ReadableStream.from: the iterator's ${what}() result is not an object`);
  return r as IteratorResult<unknown>;
}

/** GetIterator(iterable, async): its async iterator, or its sync one with each value awaited. */
function asyncIterator(iterable: unknown): AnyIterator {
  const source = iterable as { [Symbol.asyncIterator]?: () => AnyIterator; [Symbol.iterator]?: () => AnyIterator } | null;
  const method = source?.[Symbol.asyncIterator];
  if (method != null) return method.call(source);
  const sync = source?.[Symbol.iterator];
  if (typeof sync !== "function") throw new TypeError("ReadableStream.from: the argument is not iterable");
  const it = sync.call(source);
  const settle = async (r: unknown, what: string) => { const { done, value } = resultOf(r, what); return { done, value: await value }; };
  return {
    next: () => settle(it.next(), "next"),
    return: typeof it.return === "function" ? (v?: unknown) => settle(it.return!(v), "return") : undefined,
  };
}

export function from<R>(iterable: AsyncIterable<R> | Iterable<R | PromiseLike<R>>): ReadableStream<R> {
  const iterator = asyncIterator(iterable);
  return new ReadableStream<R>({
    async pull(controller) {
      const r = resultOf(await iterator.next(), "next");
      if (r.done) controller.close();
      else controller.enqueue(r.value as R);
    },
    async cancel(reason) {
      if (typeof iterator.return === "function") resultOf(await iterator.return(reason), "return");
    },
  }, { highWaterMark: 0 });
}

export function installStreamIteration(): void {
  const proto = ReadableStream.prototype;
  if (!hasMethod(proto, "values")) defineMethod(proto, "values", values);
  if (!hasMethod(proto, Symbol.asyncIterator)) {
    Object.defineProperty(proto, Symbol.asyncIterator, { value: proto.values, writable: true, configurable: true, enumerable: false });
  }
  if (!hasMethod(ReadableStream, "from")) defineMethod(ReadableStream, "from", from);
}
