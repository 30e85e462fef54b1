// ComponentApp.event in process (no worker thread, no CPU meter): events take the app's instances,
// queue sends go to the app's own `queue` option or fail without one, and a component that does not
// export a handler (the C example exports only wasi:http) gets a clear error naming the export.
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { buildCComponent } from "../../examples/c-hello/build.ts";
import { ComponentApp, type AppOptions } from "../app.ts";
import type { EventResult, OutgoingQueueMessage } from "../events.ts";
import type { LogLine } from "../../core/logs/line.ts";
import { batch, buildEventsApp, cron, message, type EventsApp } from "./events-fixture.ts";
import { tempDir } from "../../testkit/temp.ts";

type Ctx = { dir: string; app: EventsApp; logs: LogLine[] };
const inProcess = suite<Ctx>("events in process (ComponentApp)");

inProcess.before(async (ctx) => {
  ctx.dir = tempDir("outpost-app-events-");
  ctx.app = await buildEventsApp(join(ctx.dir, "dist"));
  ctx.logs = [];
});

inProcess.after((ctx) => rmSync(ctx.dir, { recursive: true, force: true }));

function load(ctx: Ctx, bytes: Uint8Array, opts: Partial<AppOptions> = {}): Promise<ComponentApp> {
  return ComponentApp.load(bytes, {
    name: "events-app", version: "v1", queues: ctx.app.queues, limits: ctx.app.limits,
    cacheDir: join(ctx.dir, "cache"), onLog: (line) => ctx.logs.push(line), ...opts,
  });
}

const error = (r: EventResult) => (r.ok ? `<ok: ${JSON.stringify(r)}>` : r.error);

inProcess("scheduled and queue events run and reuse the app's instances", async (ctx) => {
  const app = await load(ctx, ctx.app.bytes);
  assert.equal((await app.event(cron("0 * * * *"))).ok, true);
  const r = await app.event(batch("jobs", [message("a", { do: "retry" }), message("b", { do: "ack" })]));
  assert.equal(r.ok && r.outcomes, ["retry", "ack"]);
  assert.is(app.stats.instancesCreated, 1, "one instance served both events");
  assert.match(error(await app.event(cron("throw"))), /told to throw/);
  assert.is(app.stats.discarded, 0, "a handler's Err leaves its instance usable");
  await app.close();
});

inProcess("a guest's send goes to the app's queue option, and fails clearly without one", async (ctx) => {
  const sent: Array<{ queue: string; messages: OutgoingQueueMessage[] }> = [];
  const withQueue = await load(ctx, ctx.app.bytes, { queue: { send: async (queue, messages) => void sent.push({ queue, messages }) } });
  const send = batch("jobs", [message("s", { do: "send", body: "hi", contentType: "text", delay: 9 })]);
  assert.equal((await withQueue.event(send)).ok, true);
  assert.equal(sent.map((s) => [s.queue, new TextDecoder().decode(s.messages[0].body), s.messages[0].delaySeconds]), [["events-out", "hi", 9]]);
  const without = await load(ctx, ctx.app.bytes);
  assert.match(error(await without.event(send)), /queues are not available on this node/);
  await Promise.all([withQueue.close(), without.close()]);
});

inProcess("a component without the handler export gets ok:false naming it, and a host line", async (ctx) => {
  const c = await load(ctx, readFileSync(await buildCComponent({ log: () => undefined })), { name: "c-hello", queues: [] });
  assert.match(error(await c.event(cron("* * * * *"))), /does not export outpost:edge\/scheduled-handler/);
  assert.match(error(await c.event(batch("jobs", [message("a", {})]))), /does not export outpost:edge\/queue-handler/);
  assert.ok(ctx.logs.some((l) => l.app === "c-hello" && l.source === "host" && l.level === "error" && l.message.includes("scheduled event failed")));
  await c.close();
});

inProcess.run();
