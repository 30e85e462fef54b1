// Follows the control plane's change log: (re)registers the region, opens
// `GET /v1/log?from=appliedSeq+1`, decodes the streaming body with msgpackr's UnpackrStream and
// hands each entry, in order, to `apply`, with the entries already received behind it (a bounded
// read-ahead, frame-queue.ts) and whether it was in the backlog when the stream opened. Before a
// backlog `prepare`, `activate` or secret change it waits (briefly) to have received the whole
// backlog, so catch-up can skip what the end state does not need. On a broken connection or a
// failed apply it reconnects after a backoff (100 ms doubling to 5 s, with jitter) from the last
// applied seq.
import { UnpackrStream } from "msgpackr";
import { setTimeout as sleep } from "node:timers/promises";
import { Backoff } from "../../core/backoff.ts";
import { decidesOnLater, type ApplyContext } from "./catch-up.ts";
import type { ControlPlaneApi } from "./cp-client.ts";
import { hasSeq, isPing } from "./entries.ts";
import { FrameQueue } from "./frame-queue.ts";

/** How long a backlog entry that decides on what follows waits for the rest of the backlog to arrive. */
const BACKLOG_WAIT_MS = 5_000;

export interface FollowerOptions {
  cp: Pick<ControlPlaneApi, "register" | "openLog">;
  region: { name: string; url: string };
  appliedSeq(): number;
  apply(entry: { seq: number; t: string }, ctx: ApplyContext): Promise<unknown>;
  onPing?(head: number): void;
  /** `head`: the log's head when the stream opened (the control plane's `x-outpost-head`). */
  onState?(s: { connected: boolean; error?: string; retryMs?: number; from?: number; head?: number }): void;
  backoff?: Backoff;
}

export class LogFollower {
  #o: FollowerOptions;
  #abort = new AbortController();
  #running: Promise<void> | null = null;
  /** The first seq a reconnect found missing (see #stream). */
  #gapAt = 0;

  constructor(o: FollowerOptions) { this.#o = o; }

  start(): void { this.#running ??= this.#loop(); }

  async stop(): Promise<void> {
    this.#abort.abort();
    await this.#running;
  }

  async #loop(): Promise<void> {
    const backoff = this.#o.backoff ?? new Backoff();
    const signal = this.#abort.signal;
    while (!signal.aborted) {
      let error: string;
      try {
        await this.#o.cp.register(this.#o.region.name, this.#o.region.url);
        await this.#stream(signal, () => backoff.reset());
        error = "the control plane closed the log stream";
      } catch (err) {
        error = (err as Error).message;
      }
      if (signal.aborted) break;
      const retryMs = backoff.next();
      this.#o.onState?.({ connected: false, error, retryMs });
      await sleep(retryMs, undefined, { signal }).catch(() => undefined);
    }
  }

  async #stream(signal: AbortSignal, onOpen: () => void): Promise<void> {
    const from = this.#o.appliedSeq() + 1;
    const body = await this.#o.cp.openLog(from, this.#o.region.name, signal);
    onOpen();
    this.#o.onState?.({ connected: true, from, head: body.head });
    const frames = new UnpackrStream({ mapsAsObjects: true });
    body.on("error", (err) => frames.destroy(err));
    body.pipe(frames);
    const queue = new FrameQueue(frames);
    const head = body.head ?? 0;
    const onAbort = () => frames.destroy();
    signal.addEventListener("abort", onAbort, { once: true });
    let first = true;
    try {
      for (let frame = await queue.next(); frame !== undefined; frame = await queue.next()) {
        if (isPing(frame)) { this.#o.onPing?.(frame.head); continue; }
        if (!hasSeq(frame)) continue;
        const expected = this.#o.appliedSeq() + 1;
        if (frame.seq > expected) {
          // A gap: the stream lost entries, so start again from the last applied one. If the
          // control plane itself starts past `from` twice in a row, it no longer has those
          // entries: go on from what it has.
          if (!(first && this.#gapAt === expected)) {
            this.#gapAt = expected;
            throw new Error(`log stream skipped from seq ${expected} to ${frame.seq}; reconnecting`);
          }
        }
        first = false;
        const backlog = frame.seq <= head;
        if (backlog && frame.seq < head && decidesOnLater(frame)) await queue.fill(head, BACKLOG_WAIT_MS);
        await this.#o.apply(frame, { later: queue.later(), backlog });
      }
    } finally {
      signal.removeEventListener("abort", onAbort);
      body.destroy();
      frames.destroy();
    }
  }
}
