// Helpers for the queue and cron tests: a control plane with short event timings whose event log lines
// are captured, apps deployed with queue/cron manifests, and fake regions (real HTTP servers speaking
// `POST /_outpost/events`) that are live because they follow the log.
import type { EventsOptions } from "../control-plane/events/service.ts";
import { FakeRegion, type EventHandler } from "./fake-region.ts";
import { startCp, upload } from "./control-plane.ts";
import { call } from "./http.ts";
import { until } from "./wait.ts";

export type TestCp = Awaited<ReturnType<typeof startCp>> & { lines: string[] };

export async function startEventsCp(events: EventsOptions = {}, dataDir?: string, port?: number): Promise<TestCp> {
  const lines: string[] = [];
  const cp = await startCp({
    ...(dataDir ? { dataDir } : {}),
    ...(port !== undefined ? { port } : {}),
    events: { retryBaseMs: 50, idlePollMs: 200, noRegionDelayMs: 200, print: (t) => lines.push(t), ...events },
  });
  return { ...cp, lines };
}

export interface ConsumerSpec {
  queue: string;
  maxBatchSize?: number;
  maxBatchTimeout?: number;
  maxRetries?: number;
  deadLetterQueue?: string | null;
}

/** Uploads a version with these crons and consumers and deploys it (waiting for live regions' acks). */
export async function deployEvents(base: string, app: string, opts: { crons?: string[]; consumers?: ConsumerSpec[]; text?: string } = {}): Promise<number> {
  const consumers = (opts.consumers ?? []).map((c) => ({ maxBatchSize: 10, maxBatchTimeout: 0, maxRetries: 3, deadLetterQueue: null, ...c }));
  const up = await upload(base, app, opts.text ?? JSON.stringify(opts), { crons: opts.crons ?? [], queues: { producers: [], consumers } });
  if (up.status !== 201 && up.status !== 200) throw new Error(`upload: ${up.status} ${JSON.stringify(up.body)}`);
  const d = await call(base, "POST", `/v1/apps/${app}/deployments`, { json: { versions: [{ version: up.body.version }], wait: true } });
  if (d.body.state !== "active") throw new Error(`deploy: ${d.status} ${JSON.stringify(d.body)}`);
  return up.body.version;
}

/** A live region answering events with `handler`. */
export async function eventRegion(base: string, name: string, handler: EventHandler): Promise<FakeRegion> {
  const r = new FakeRegion(base, name);
  await r.serveEvents(handler);
  await until(() => r.connected, 5000, `${name} connected`);
  return r;
}

/** A live region (it follows the log) whose registered URL refuses connections. */
export async function downRegion(base: string, name: string): Promise<FakeRegion> {
  const r = new FakeRegion(base, name);
  await r.register("http://127.0.0.1:9");
  await until(() => r.connected, 5000, `${name} connected`);
  return r;
}

/** Waits until the CP no longer counts the region as live (its log stream closed). */
export async function untilOffline(base: string, name: string): Promise<void> {
  await until(async () => {
    const status = await call(base, "GET", "/v1/status");
    return !status.body.regions.some((r: { name: string; connected: boolean }) => r.name === name && r.connected);
  }, 5000, `${name} offline`);
}

/** Acks every message of a queue event (and runs a scheduled one ok). */
export const ackAll: EventHandler = (_app, event) => ({ ok: true, ms: 1, ...(event.type === "queue" ? { outcomes: event.messages.map(() => "ack" as const) } : {}) });

export async function sendText(base: string, queue: string, bodies: string[], extra: Record<string, unknown> = {}, token?: string) {
  return call(base, "POST", `/v1/queues/${queue}/messages`, { token, json: { messages: bodies.map((body) => ({ body, contentType: "text", ...extra })) } });
}

export const bodiesOf = (e: { event: { type: string; messages?: { body: Uint8Array }[] } }) => (e.event.messages ?? []).map((m) => Buffer.from(m.body).toString());
