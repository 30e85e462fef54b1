// `GET /v1/log?from=<seq>&region=<name>`: the change log as one long streaming response of concatenated
// msgpack frames: every entry from `from`, then new ones as they commit, and `{t:"ping", head}` when idle.
// Pull-based: each read of the body takes the next frames from LMDB, so a slow follower never makes the
// CP buffer, and order is the log's order by construction. A named region is live while its stream is open.
import type { IRequest } from "itty-router";
import { requireRegion } from "../auth.ts";
import { badField } from "../http/body.ts";
import { HttpError } from "../http/errors.ts";
import { encodeFrame } from "../store/log.ts";
import type { ApiContext, ApiRouter } from "./context.ts";
import { checkRegionName } from "./params.ts";

const BATCH_ENTRIES = 512;
const BATCH_BYTES = 1024 * 1024;

function fromParam(raw: unknown): number {
  if (raw === undefined || raw === "") return 1;
  const n = typeof raw === "string" ? Number(raw) : NaN;
  if (!Number.isInteger(n) || n < 0) throw badField("from", "must be an integer sequence number from 0 (query parameter)");
  return Math.max(1, n);
}

export function logStreamRoutes(router: ApiRouter, ctx: ApiContext): void {
  router.get("/v1/log", (request: IRequest) => {
    requireRegion(ctx.auth.authenticate(request), "following the log");
    const q = request.query as Record<string, unknown>;
    let next = fromParam(q.from);
    const log = ctx.store.core.log;
    if (next > log.head() + 1) {
      throw new HttpError(409, "ahead_of_log", `from=${next} is past this control plane's head ${log.head()} + 1: the replica has state this log does not (was the CP's data dir replaced?)`);
    }
    const region = typeof q.region === "string" && q.region !== "" ? checkRegionName(q.region) : null;
    const stop = new AbortController();
    const onAbort = () => stop.abort();
    request.signal.addEventListener("abort", onAbort);
    ctx.closing.addEventListener("abort", onAbort);
    const unlive = region ? ctx.live.open(region) : () => {};
    if (region) void ctx.store.regions.seen(region).catch(() => {});
    const cleanup = () => {
      stop.abort();
      unlive();
      request.signal.removeEventListener("abort", onAbort);
      ctx.closing.removeEventListener("abort", onAbort);
    };
    stop.signal.addEventListener("abort", () => unlive());

    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        for (;;) {
          if (stop.signal.aborted || ctx.store.closed) {
            cleanup();
            controller.close();
            return;
          }
          const batch = log.readFrames(next, BATCH_ENTRIES, BATCH_BYTES);
          if (batch) {
            next = batch.last + 1;
            controller.enqueue(batch.bytes);
            return;
          }
          const moved = await log.waitBeyond(next - 1, ctx.pingMs, stop.signal);
          if (!moved && !stop.signal.aborted) {
            controller.enqueue(encodeFrame({ t: "ping", head: log.head() }));
            return;
          }
        }
      },
      cancel() {
        cleanup();
      },
    });
    return new Response(body, {
      headers: { "content-type": "application/x-msgpack", "cache-control": "no-store", "x-outpost-head": String(log.head()) },
    });
  });
}
