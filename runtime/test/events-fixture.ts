// Test helper: builds runtime/test/fixtures/events-app with the real build (sdk/build, component
// cache in the fixture's .outpost/cache, so only the first run componentizes) and gives what a
// deploy of it needs: the component bytes, its queue producer bindings and its [limits].
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { appLimits } from "../../core/limits.ts";
import { buildApp } from "../../sdk/build/index.ts";
import { loadConfig } from "../../sdk/config/index.ts";
import type { AppLimits } from "../../core/limits.ts";
import type { AppEvent, QueueEventMessage } from "../events.ts";

export const FIXTURE = join(import.meta.dirname, "fixtures", "events-app");

export interface EventsApp {
  bytes: Uint8Array;
  queues: Array<{ binding: string; queue: string }>;
  limits: Partial<AppLimits>;
}

export async function buildEventsApp(outDir: string): Promise<EventsApp> {
  const config = await loadConfig(join(FIXTURE, "wrangler-like.toml"));
  const built = await buildApp(config, { outDir });
  return {
    bytes: new Uint8Array(await readFile(built.wasmPath)),
    queues: built.manifest.queues.producers,
    limits: appLimits(built.manifest.limits),
  };
}

const encoder = new TextEncoder();

/** A queue message with a JSON body (the fixture reads its `do`), or a text/bytes one. */
export function message(id: string, body: unknown, opts: { contentType?: string; attempts?: number; timestamp?: number } = {}): QueueEventMessage {
  const contentType = opts.contentType ?? "json";
  const bytes = body instanceof Uint8Array ? body : encoder.encode(contentType === "json" ? JSON.stringify(body) : String(body));
  return { id, timestamp: opts.timestamp ?? 1_700_000_000_000, body: bytes, contentType, attempts: opts.attempts ?? 1 };
}

export const batch = (queue: string, messages: QueueEventMessage[]): AppEvent => ({ type: "queue", queue, messages });
export const cron = (expr: string, scheduledTime = 1_700_000_000_000): AppEvent => ({ type: "scheduled", cron: expr, scheduledTime });
