// A reconnect delay (spec/replication.md): 100 ms doubling to 5 s by default, with jitter (each delay
// drawn uniformly from its upper half), back to the start after a good connection.

export class Backoff {
  readonly min: number;
  readonly max: number;
  #next: number;
  #random: () => number;

  constructor(opts: { min?: number; max?: number; random?: () => number } = {}) {
    this.min = opts.min ?? 100;
    this.max = opts.max ?? 5_000;
    this.#next = this.min;
    this.#random = opts.random ?? Math.random;
  }

  /** The delay before the next attempt (ms). */
  next(): number {
    const base = this.#next;
    this.#next = Math.min(this.max, base * 2);
    return Math.round(base / 2 + (base / 2) * this.#random());
  }

  reset(): void { this.#next = this.min; }
}
