// Reports a region's appliedSeq to the control plane (`POST /v1/regions/:name/progress`) at most
// once a second: the first change is sent at once, later ones at the end of the second, so the
// last value always gets through. A failed report is sent again a second later.

export class ProgressReporter {
  #send: (appliedSeq: number) => Promise<void>;
  #intervalMs: number;
  #sent = -1;
  #latest = 0;
  #lastAt = 0;
  #timer: NodeJS.Timeout | null = null;
  #inflight = false;

  constructor(send: (appliedSeq: number) => Promise<void>, intervalMs = 1_000) {
    this.#send = send;
    this.#intervalMs = intervalMs;
  }

  /** The region applied up to `appliedSeq`. */
  update(appliedSeq: number): void {
    this.#latest = Math.max(this.#latest, appliedSeq);
    this.#schedule();
  }

  #schedule(): void {
    if (this.#timer || this.#inflight || this.#latest === this.#sent) return;
    const wait = Math.max(0, this.#lastAt + this.#intervalMs - Date.now());
    this.#timer = setTimeout(() => void this.#flush(), wait);
    this.#timer.unref();
  }

  async #flush(): Promise<void> {
    this.#timer = null;
    this.#inflight = true;
    this.#lastAt = Date.now();
    const seq = this.#latest;
    try {
      await this.#send(seq);
      this.#sent = seq;
    } catch { /* sent again with the next report */ }
    this.#inflight = false;
    this.#schedule();
  }

  stop(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }
}
