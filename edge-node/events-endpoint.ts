// `POST /_outpost/events` (region token): the control plane hands this region one event for one app
// (a cron firing or a batch of queue messages, spec/events.md), msgpack `{app, event}`; the node runs
// it on the app's primary active version and answers the msgpack EventResult. Each run and its
// outcome is a log line of the app, so `outpost tail` shows it.
import type { IncomingMessage, ServerResponse } from "node:http";
import { pack, unpack } from "msgpackr";
import type { AppEvent, EventResult } from "../runtime/events.ts";
import type { LogSink } from "../core/logs/line.ts";
import type { AppRegistry } from "./apps.ts";
import { requireRegionToken } from "./bearer.ts";
import { refuse } from "./json-response.ts";

/** A queue batch is at most 100 messages of 128 KB (spec/events.md); leave room for the envelope. */
const MAX_EVENT_BYTES = 16 * 1024 * 1024;

export interface EventsEndpointOptions {
  registry: AppRegistry;
  region: string;
  regionToken?: string;
  log: LogSink;
}

async function readBody(req: IncomingMessage, max: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** The event in a decoded body, or the text of what is wrong with it. */
export function parseEventBody(body: unknown): { app: string; event: AppEvent } | string {
  const b = body as { app?: unknown; event?: Partial<AppEvent> } | null;
  if (!b || typeof b !== "object") return "the body must be a msgpack map {app, event}";
  if (typeof b.app !== "string" || !b.app) return "`app` must be the app's name";
  const ev = b.event;
  if (!ev || typeof ev !== "object") return "`event` must be a map";
  if (ev.type === "scheduled") {
    if (typeof ev.cron !== "string" || typeof ev.scheduledTime !== "number") return "a scheduled event needs `cron` (string) and `scheduledTime` (ms)";
    return { app: b.app, event: { type: "scheduled", cron: ev.cron, scheduledTime: ev.scheduledTime } };
  }
  if (ev.type === "queue") {
    if (typeof ev.queue !== "string" || !Array.isArray(ev.messages)) return "a queue event needs `queue` (string) and `messages` (array)";
    for (const [i, m] of ev.messages.entries()) {
      if (!m || typeof m.id !== "string" || typeof m.timestamp !== "number" || !(m.body instanceof Uint8Array) || typeof m.contentType !== "string" || typeof m.attempts !== "number") {
        return `messages[${i}] needs id, timestamp, body (bytes), contentType and attempts`;
      }
    }
    return { app: b.app, event: { type: "queue", queue: ev.queue, messages: ev.messages } };
  }
  return "`event.type` must be \"scheduled\" or \"queue\"";
}

/** One line describing an event for logs: `cron "<expr>"` or `queue jobs (3 messages)`. */
export function describeEvent(event: AppEvent): string {
  return event.type === "scheduled" ? `cron "${event.cron}"` : `queue ${event.queue} (${event.messages.length} message${event.messages.length === 1 ? "" : "s"})`;
}

/** Runs one event on an app's primary active version and logs its outcome; undefined if the app is not active here. */
export async function runEvent(opts: Pick<EventsEndpointOptions, "registry" | "region" | "log">, app: string, event: AppEvent): Promise<EventResult | undefined> {
  const deployment = opts.registry.get(app);
  if (!deployment) return undefined;
  deployment.inflight++;
  let result: EventResult;
  try {
    result = await opts.registry.pool.event(deployment.key, event);
  } finally {
    deployment.inflight--;
  }
  const what = describeEvent(event);
  const ms = Math.round(result.ms);
  opts.log({
    ts: Date.now(), app, version: deployment.version, level: result.ok ? "info" : "error", source: "host",
    message: result.ok ? `${what} ran on ${opts.region}: ok in ${ms} ms` : `${what} failed on ${opts.region} after ${ms} ms: ${result.error}`,
    fields: event.type === "queue" && result.ok && result.outcomes ? { outcomes: result.outcomes } : undefined,
  });
  return result;
}

export async function serveEvents(req: IncomingMessage, res: ServerResponse, opts: EventsEndpointOptions): Promise<void> {
  if (!requireRegionToken(req, res, opts.regionToken, "events")) return;
  if (req.method !== "POST") { req.resume(); return refuse(res, 405, "method_not_allowed", "POST an event to /_outpost/events"); }
  const raw = await readBody(req, MAX_EVENT_BYTES);
  if (!raw) return refuse(res, 413, "too_large", `an event body is limited to ${MAX_EVENT_BYTES} bytes`);
  let decoded: unknown;
  try { decoded = unpack(raw); } catch (err) { return refuse(res, 400, "bad_request", `the body is not msgpack: ${(err as Error).message}`); }
  const parsed = parseEventBody(decoded);
  if (typeof parsed === "string") return refuse(res, 400, "bad_request", parsed);
  const result = await runEvent(opts, parsed.app, parsed.event);
  if (!result) return refuse(res, 404, "no_app", `app ${parsed.app} is not active on region ${opts.region}`);
  const body = pack(result);
  res.writeHead(200, { "content-type": "application/x-msgpack", "content-length": body.length });
  res.end(body);
}
