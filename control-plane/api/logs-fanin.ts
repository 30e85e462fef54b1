// `GET /v1/apps/:app/logs`: a live tail merged from every region. The CP follows each region's
// `GET /_outpost/logs?app=` (NDJSON, region token) with undici, tags each line with its region, and
// writes the lines as they come as one NDJSON stream; regions registered later are picked up, a region
// that drops is retried every second, and its state changes appear as `{"type":"outpost",...}` lines.
import type { IRequest } from "itty-router";
import { request as undiciRequest } from "undici";
import { setTimeout as sleep } from "node:timers/promises";
import { requireApp } from "../auth.ts";
import { CP_LOG_REGION } from "../events/event-log.ts";
import { ndjsonLines } from "../http/ndjson.ts";
import type { ApiContext, ApiRouter } from "./context.ts";
import { appName, existingApp } from "./params.ts";

const RETRY_MS = 1000;
const RESCAN_MS = 2000;

function tag(line: string, region: string): string {
  try {
    const v = JSON.parse(line) as unknown;
    if (typeof v === "object" && v !== null && !Array.isArray(v)) {
      return JSON.stringify("region" in v ? v : { region, ...v });
    }
  } catch {
    // not JSON: wrap it
  }
  return JSON.stringify({ region, message: line });
}

async function followRegion(ctx: ApiContext, app: string, region: string, emit: (line: string) => void, signal: AbortSignal): Promise<void> {
  let state = "";
  const report = (next: string, message: string) => {
    if (next !== state) emit(JSON.stringify({ type: "outpost", region, event: next, message }));
    state = next;
  };
  while (!signal.aborted) {
    const url = ctx.store.regions.get(region)?.url;
    if (!url) return;
    try {
      const res = await undiciRequest(`${url}/_outpost/logs?app=${encodeURIComponent(app)}`, {
        headers: { authorization: `Bearer ${ctx.regionToken}` },
        signal,
      });
      if (res.statusCode !== 200) {
        report("error", `${url}/_outpost/logs answered ${res.statusCode}`);
        await res.body.dump();
      } else {
        report("connected", `following ${url}`);
        for await (const line of ndjsonLines(res.body)) emit(tag(line, region));
        report("disconnected", `${url} ended its log stream`);
      }
    } catch (e) {
      if (signal.aborted) return;
      report("unreachable", `${url}: ${(e as Error).message}`);
    }
    await sleep(RETRY_MS, undefined, { signal }).catch(() => {});
  }
}

export function logsFanInRoutes(router: ApiRouter, ctx: ApiContext): void {
  router.get("/v1/apps/:app/logs", (request: IRequest) => {
    const app = appName(request);
    requireApp(ctx.auth.authenticate(request), app, "tailing logs");
    existingApp(ctx, app);
    const stop = new AbortController();
    const onAbort = () => stop.abort();
    request.signal.addEventListener("abort", onAbort);
    ctx.closing.addEventListener("abort", onAbort);
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        const emit = (line: string) => {
          if (!stop.signal.aborted) controller.enqueue(encoder.encode(line + "\n"));
        };
        const following = new Set<string>();
        const scan = () => {
          for (const r of ctx.store.regions.list()) {
            if (following.has(r.name)) continue;
            following.add(r.name);
            void followRegion(ctx, app, r.name, emit, stop.signal).finally(() => following.delete(r.name));
          }
        };
        scan();
        const timer = setInterval(scan, RESCAN_MS);
        // The CP's own lines for the app (cron firings, queue batches: spec/events.md).
        const offEvents = ctx.events.log.subscribe(app, (line) => emit(JSON.stringify({ region: CP_LOG_REGION, ...line })));
        stop.signal.addEventListener("abort", () => {
          clearInterval(timer);
          offEvents();
          request.signal.removeEventListener("abort", onAbort);
          ctx.closing.removeEventListener("abort", onAbort);
          try {
            controller.close();
          } catch {
            // already closed
          }
        });
      },
      cancel() {
        stop.abort();
      },
    });
    return new Response(body, { headers: { "content-type": "application/x-ndjson", "cache-control": "no-store" } });
  });
}
