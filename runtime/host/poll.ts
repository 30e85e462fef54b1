// wasi:io/poll and wasi:io/error for the host: a Pollable is a promise the guest can test or await.
// With JSPI `block` and `poll` are suspending imports: the instance's stack is parked and the worker
// thread goes on with other instances until one of the awaited events happens.

/** wasi:io/error.error: an opaque error with a debug string. */
export class IoError {
  readonly message: string;
  constructor(message: string) { this.message = message; }
  toDebugString(): string { return this.message; }
}

export class Pollable {
  #ready: boolean;
  #promise: Promise<unknown> | null;

  /** `null` (or nothing) means ready now; a promise becomes ready when it settles either way. */
  constructor(promise?: Promise<unknown> | null) {
    this.#ready = !promise;
    this.#promise = promise ?? null;
    promise?.then(() => { this.#ready = true; }, () => { this.#ready = true; });
  }

  static ready(): Pollable { return new Pollable(null); }

  ready(): boolean { return this.#ready; }

  async block(): Promise<void> {
    if (!this.#ready && this.#promise) await this.#promise.catch(() => undefined);
  }

  /** The promise to race in `poll`; undefined when already ready. */
  wait(): Promise<unknown> | undefined {
    return this.#ready ? undefined : this.#promise!.catch(() => undefined);
  }
}

/** wasi:io/poll.poll: indices of the ready pollables, waiting until at least one is ready. */
export async function poll(list: Pollable[]): Promise<Uint32Array> {
  if (list.length === 0) throw new Error("wasi:io/poll.poll called with an empty list");
  const ready = () => {
    const out: number[] = [];
    list.forEach((p, i) => { if (p.ready()) out.push(i); });
    return out;
  };
  let out = ready();
  if (out.length === 0) {
    await Promise.race(list.map((p) => p.wait()));
    out = ready();
  }
  return new Uint32Array(out);
}
