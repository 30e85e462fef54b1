// Events through RuntimePool on real worker threads, with the events-app fixture built by the real
// toolchain: scheduled runs and failures, queue outcomes per message, a throwing batch, the CPU and
// wall limits (the app still serves HTTP after its thread was stopped), and guests' queue sends from
// a worker thread reaching the pool's QueueSender (its refusals, or having none, reaching the guest).
import { rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { request } from "undici";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { settleOutcomes, type EventResult, type OutgoingQueueMessage } from "../events.ts";
import type { LogLine } from "../../core/logs/line.ts";
import { RuntimePool } from "../pool/pool.ts";
import { batch, buildEventsApp, cron, message, type EventsApp } from "./events-fixture.ts";
import { tempDir } from "../../testkit/temp.ts";
import { listen } from "../../testkit/listen.ts";

const KEY = "events-app@v1";
type Ctx = {
  dir: string; app: EventsApp; pool: RuntimePool; server: Server; url: string; logs: LogLine[];
  sent: Array<{ queue: string; messages: OutgoingQueueMessage[] }>; refuse: string | null;
};
const events = suite<Ctx>("events on the runtime pool");

const text = (b: Uint8Array) => new TextDecoder().decode(b);
function failed(r: EventResult): Extract<EventResult, { ok: false }> {
  assert.is(r.ok, false, `expected a failure, got ${JSON.stringify(r)}`);
  return r as Extract<EventResult, { ok: false }>;
}
function outcomesOf(r: EventResult): string[] | undefined {
  assert.is(r.ok, true, `expected ok, got ${JSON.stringify(r)}`);
  return (r as Extract<EventResult, { ok: true }>).outcomes;
}

events.before(async (ctx) => {
  ctx.dir = tempDir("outpost-pool-events-");
  ctx.app = await buildEventsApp(join(ctx.dir, "dist"));
  ctx.logs = [];
  ctx.sent = [];
  ctx.refuse = null;
  ctx.pool = new RuntimePool({
    threads: 2, cacheDir: join(ctx.dir, "cache"), onLog: (line) => ctx.logs.push(line),
    queue: {
      send: async (queue, messages) => {
        if (ctx.refuse) throw new Error(ctx.refuse);
        ctx.sent.push({ queue, messages });
      },
    },
  });
  await ctx.pool.start();
  await ctx.pool.deploy({ name: "events-app", version: "v1", bytes: ctx.app.bytes, queues: ctx.app.queues, limits: ctx.app.limits });
  ctx.server = createServer((req, res) => void ctx.pool.serve(KEY, req, res));
  ctx.url = (await listen(ctx.server)).url;
});

events.after(async (ctx) => {
  ctx.server?.close();
  await ctx.pool?.close();
  rmSync(ctx.dir, { recursive: true, force: true });
});

events("the fixture's limits are the ones these tests rely on", ({ app }) => {
  assert.equal([app.limits.cpuMs, app.limits.wallMs], [200, 3000]);
  assert.equal(app.queues, [{ binding: "OUT", queue: "events-out" }]);
});

events("a scheduled run succeeds and the guest's log line has the cron and time", async ({ pool, logs }) => {
  const r = await pool.event(KEY, cron("*/5 * * * *", 1_700_000_123_000));
  assert.equal(r.ok, true, JSON.stringify(r));
  assert.type(r.ms, "number");
  assert.ok(logs.some((l) => l.app === "events-app" && l.message.includes("scheduled */5 * * * * at 1700000123000")), "the guest's console.log line");
});

events("a throwing scheduled() gives ok:false with its text and a host line", async ({ pool, logs }) => {
  const r = failed(await pool.event(KEY, cron("throw")));
  assert.match(r.error, /scheduled\(\) was told to throw/);
  assert.is(r.limit, undefined);
  assert.ok(logs.some((l) => l.source === "host" && l.level === "error" && l.message.startsWith("scheduled event failed") && l.message.includes("told to throw")));
});

events("queue outcomes come back per message, in order", async ({ pool }) => {
  const ev = batch("events-in", [message("a", { do: "ack" }), message("b", { do: "retry" }), message("c", { do: "unset" }), message("d", { do: "ack" })]);
  const r = await pool.event(KEY, ev);
  assert.equal(outcomesOf(r), ["ack", "retry", "unset", "ack"]);
  assert.equal(settleOutcomes(r, 4), ["ack", "retry", "ack", "ack"]);
});

events("ackAll and retryAll set every message; a later per-message call still wins", async ({ pool }) => {
  assert.equal(outcomesOf(await pool.event(KEY, batch("q", [message("a", { do: "retry" }), message("b", { do: "ack-all" })]))), ["ack", "ack"]);
  assert.equal(outcomesOf(await pool.event(KEY, batch("q", [message("a", { do: "ack" }), message("b", { do: "retry-all" })]))), ["retry", "retry"]);
  assert.equal(outcomesOf(await pool.event(KEY, batch("q", [message("a", { do: "ack-all" }), message("b", { do: "retry" })]))), ["ack", "retry"]);
});

events("a batch that throws gives ok:false with its text; every message settles as retry", async ({ pool }) => {
  const r = failed(await pool.event(KEY, batch("q", [message("m1", { do: "ack" }), message("m2", { do: "throw" })])));
  assert.match(r.error, /message m2 asked the batch to throw/);
  assert.equal(settleOutcomes(r, 2), ["retry", "retry"]);
});

events("the guest sees each message as sent: id, attempts, timestamp, decoded body", async (ctx) => {
  ctx.sent.length = 0;
  const ev = batch("events-in", [
    message("t1", "hello", { contentType: "text", attempts: 3, timestamp: 1_700_000_000_500 }),
    message("b1", new Uint8Array([1, 2, 255]), { contentType: "bytes" }),
    message("j1", { plain: [1, "two"] }),
  ]);
  assert.equal(outcomesOf(await ctx.pool.event(KEY, ev)), ["ack", "ack", "ack"]);
  const echoed = ctx.sent.map((s) => ({ queue: s.queue, contentType: s.messages[0].contentType, body: JSON.parse(text(s.messages[0].body)) }));
  assert.equal(echoed, [
    { queue: "events-out", contentType: "json", body: { queue: "events-in", id: "t1", attempts: 3, timestamp: 1_700_000_000_500, body: "hello" } },
    { queue: "events-out", contentType: "json", body: { queue: "events-in", id: "b1", attempts: 1, timestamp: 1_700_000_000_000, body: [1, 2, 255] } },
    { queue: "events-out", contentType: "json", body: { queue: "events-in", id: "j1", attempts: 1, timestamp: 1_700_000_000_000, body: { plain: [1, "two"] } } },
  ]);
});

events("send and sendBatch from a worker thread reach the QueueSender with body, contentType and delay", async (ctx) => {
  ctx.sent.length = 0;
  const ev = batch("events-in", [
    message("s", { do: "send", body: "hi", contentType: "text", delay: 30 }),
    message("b", { do: "send-batch", items: [{ body: { x: 1 } }, { body: [7, 8, 9], contentType: "bytes", delay: 5 }] }),
  ]);
  assert.equal(outcomesOf(await ctx.pool.event(KEY, ev)), ["ack", "ack"]);
  assert.is(ctx.sent.length, 2);
  assert.is(ctx.sent[0].queue, "events-out", "the producer binding OUT maps to its queue");
  const one = ctx.sent[0].messages;
  assert.equal(one.map((m) => [text(m.body), m.contentType, m.delaySeconds]), [["hi", "text", 30]]);
  const two = ctx.sent[1].messages;
  assert.equal(two.map((m) => [m.contentType, m.delaySeconds ?? null]), [["json", null], ["bytes", 5]]);
  assert.equal(JSON.parse(text(two[0].body)), { x: 1 });
  assert.equal(Array.from(two[1].body), [7, 8, 9]);
});

events("a QueueSender that rejects makes the guest's send() throw with its text", async (ctx) => {
  ctx.refuse = "queue events-out is over its backlog limit";
  try {
    const r = failed(await ctx.pool.event(KEY, batch("q", [message("s", { do: "send", body: "x" })])));
    assert.match(r.error, /queue events-out is over its backlog limit/);
  } finally {
    ctx.refuse = null;
  }
});

events("a run that never yields is stopped by the watchdog: limit cpu, and the app still serves", async ({ pool, url }) => {
  const before = pool.restarts;
  const r = failed(await pool.event(KEY, cron("loop")));
  assert.is(r.limit, "cpu");
  assert.match(r.error, /CPU limit/);
  assert.is(pool.restarts, before + 1, "its thread was replaced");
  const res = await request(`${url}/ok`);
  assert.is(res.statusCode, 200);
  assert.equal(await res.body.json(), { ok: true });
  assert.equal((await pool.event(KEY, cron("*/5 * * * *"))).ok, true, "and runs events again");
});

events("a guest cut short at its CPU limit leaves its thread running: a response streaming there finishes", async (ctx) => {
  const logs: LogLine[] = [];
  const one = new RuntimePool({ threads: 1, cacheDir: join(ctx.dir, "cache"), onLog: (line) => logs.push(line) });
  const server = createServer((req, res) => void one.serve(KEY, req, res));
  try {
    await one.start();
    await one.deploy({ name: "events-app", version: "v1", bytes: ctx.app.bytes, queues: ctx.app.queues, limits: ctx.app.limits });
    const { url } = await listen(server);
    const slow = await request(`${url}/slow?n=8`);
    assert.is(slow.statusCode, 200);
    const body = slow.body.text();
    const r = failed(await one.event(KEY, cron("loop")));
    assert.is(r.limit, "cpu");
    assert.match(r.error, /CPU limit/);
    // Terminating the thread (the fallback) would cut this response off; cutting the guest short does not.
    assert.is(await body, Array.from({ length: 8 }, (_, i) => `chunk ${i}\n`).join(""));
    assert.ok(logs.some((l) => /was stopped at its CPU limit; the thread is replaced once its other requests finish/.test(l.message)), "the guest was cut short, not its thread");
    const again = await request(`${url}/ok`);
    assert.is(again.statusCode, 200);
    await again.body.dump();
  } finally {
    server.close();
    await one.close();
  }
});

events("CPU spent over many short slices also stops the run", async ({ pool }) => {
  // 100 rounds of 10 ms spins: far over 200 ms of CPU even when the machine halves the thread's share.
  const r = failed(await pool.event(KEY, batch("q", [message("burn", { do: "burn", n: 100 })])));
  assert.is(r.limit, "cpu");
  assert.match(r.error, /limits\.cpu_ms/);
  assert.equal(outcomesOf(await pool.event(KEY, batch("q", [message("burn", { do: "burn", n: 2 })]))), ["ack"]);
});

events("a run still going at wall_ms fails with limit wall", async ({ pool }) => {
  const r = failed(await pool.event(KEY, cron("sleep")));
  assert.is(r.limit, "wall");
  assert.match(r.error, /3000 ms \(limits\.wall_ms\)/);
});

events("an app version that is not deployed gives ok:false", async ({ pool }) => {
  assert.match(failed(await pool.event("nope@1", cron("* * * * *"))).error, /app version nope@1 is not deployed/);
});

events("without a QueueSender a guest's send fails with 'queues are not available on this node'", async (ctx) => {
  const bare = new RuntimePool({ threads: 1, cacheDir: join(ctx.dir, "cache"), onLog: () => undefined });
  try {
    await bare.start();
    await bare.deploy({ name: "events-app", version: "v1", bytes: ctx.app.bytes, queues: ctx.app.queues, limits: ctx.app.limits });
    const r = failed(await bare.event(KEY, batch("q", [message("s", { do: "send", body: "x" })])));
    assert.match(r.error, /queues are not available on this node/);
  } finally {
    await bare.close();
  }
});

events.run();
