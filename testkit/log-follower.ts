// A follower of the CP's change log (`GET /v1/log`) with undici: decodes the msgpack frames in order,
// hands each to `onFrame` (awaited, so applying is sequential and applies backpressure), and on a broken
// or idle connection reconnects from `from()` after a backoff (100 ms doubling to 5 s, with jitter).
import { request } from "undici";
import { UnpackrStream } from "msgpackr";
import { pipeline } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { Backoff } from "../core/backoff.ts";
import type { LogFrame } from "../core/change-log.ts";

export interface FollowLogOptions {
  /** The CP's base URL, e.g. http://127.0.0.1:8780. */
  url: string;
  /** The region token. */
  token: string;
  /** Names the follower as a live region (deployments wait for its ack). */
  region?: string;
  /** The seq to ask for on each (re)connect: usually appliedSeq + 1. */
  from: () => number;
  onFrame: (frame: LogFrame) => void | Promise<void>;
  onState?: (state: "connected" | "disconnected", detail?: string) => void;
  /** Reconnect when nothing (not even a ping) arrives for this long (default 15 s: three pings). */
  idleTimeoutMs?: number;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
}

export interface LogFollower {
  stop(): Promise<void>;
  /** Resolves when the follower has stopped. */
  done: Promise<void>;
}

export function followLog(options: FollowLogOptions): LogFollower {
  const stop = new AbortController();
  const backoff = new Backoff({ min: options.initialBackoffMs, max: options.maxBackoffMs });
  const run = async () => {
    while (!stop.signal.aborted) {
      const params = new URLSearchParams({ from: String(options.from()) });
      if (options.region) params.set("region", options.region);
      let detail = "";
      try {
        const res = await request(`${options.url}/v1/log?${params}`, {
          headers: { authorization: `Bearer ${options.token}` },
          signal: stop.signal,
          bodyTimeout: options.idleTimeoutMs ?? 15_000,
        });
        if (res.statusCode !== 200) {
          detail = `GET /v1/log answered ${res.statusCode}: ${await res.body.text()}`;
        } else {
          backoff.reset();
          options.onState?.("connected");
          // pipeline: a destroyed body (stop, idle timeout, reset) also ends the decoder and the loop below.
          const frames = pipeline(res.body, new UnpackrStream({ useRecords: false, mapsAsObjects: true }), () => {});
          for await (const frame of frames) await options.onFrame(frame as LogFrame);
          detail = "the log stream ended";
        }
      } catch (e) {
        detail = (e as Error).message;
      }
      if (stop.signal.aborted) break;
      options.onState?.("disconnected", detail);
      await sleep(backoff.next(), undefined, { signal: stop.signal }).catch(() => {});
    }
  };
  const done = run();
  return {
    done,
    async stop() {
      stop.abort();
      await done.catch(() => {});
    },
  };
}
