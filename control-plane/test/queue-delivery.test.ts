// Queue delivery on a real control plane with fake regions (real HTTP servers speaking /_outpost/events):
// batches by size and by timeout, retries then the dead-letter queue (itself consumed), failed runs retried
// whole, drops without a DLQ, a refused region skipped without counting a delivery, and a lease that
// expires (a region that never answers) redelivering the batch.
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { QueueEvent } from "../../runtime/events.ts";
import type { FakeRegion } from "../../testkit/fake-region.ts";
import { call } from "../../testkit/http.ts";
import { removeDir } from "../../testkit/temp.ts";
import { until } from "../../testkit/wait.ts";
import { ackAll, bodiesOf, deployEvents, downRegion, eventRegion, sendText, startEventsCp, untilOffline, type TestCp } from "../../testkit/events.ts";

let cp: TestCp;
const regions: FakeRegion[] = [];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test.before(async () => {
  cp = await startEventsCp({ leaseMs: 1500 });
});

test.after(async () => {
  for (const r of regions) await r.stop();
  await cp.close();
  removeDir(cp.dataDir);
});

const queueEvents = (r: FakeRegion, queue: string) => r.events.filter((e) => e.event.type === "queue" && (e.event as QueueEvent).queue === queue);

test("batches by size: full batches go at once, the rest waits for maxBatchTimeout", async () => {
  const eu = await eventRegion(cp.url, "eu", ackAll);
  regions.push(eu);
  await deployEvents(cp.url, "sizer", { consumers: [{ queue: "size-q", maxBatchSize: 5, maxBatchTimeout: 60 }] });
  assert.is((await sendText(cp.url, "size-q", Array.from({ length: 12 }, (_, i) => `m${i}`))).status, 202);
  await until(() => queueEvents(eu, "size-q").length === 2, 10_000, "two full batches");
  await sleep(1500);
  assert.equal(queueEvents(eu, "size-q").map((e) => bodiesOf(e).length), [5, 5], "the 2 left wait (timeout 60 s)");
  await sendText(cp.url, "size-q", ["m12", "m13", "m14"]);
  await until(() => queueEvents(eu, "size-q").length === 3, 10_000, "a third full batch");
  const all = queueEvents(eu, "size-q").flatMap(bodiesOf);
  assert.equal([...all].sort(), Array.from({ length: 15 }, (_, i) => `m${i}`).sort());
  await until(() => cp.events.queues.depth("size-q").inFlight === 0, 5000, "settled");
  assert.equal(cp.events.queues.depth("size-q"), { ready: 0, delayed: 0, inFlight: 0 });
  assert.ok(cp.lines.some((l) => /queue size-q: batch of 5 messages ran on eu: ok in \d+ ms \(5 acked\)/.test(l)), cp.lines.join("\n"));
});

test("batches by timeout: messages sent apart go as one batch once the oldest waited maxBatchTimeout", async () => {
  const eu = regions[0];
  await deployEvents(cp.url, "timer", { consumers: [{ queue: "time-q", maxBatchSize: 10, maxBatchTimeout: 1 }] });
  const sentAt = Date.now();
  for (const b of ["t1", "t2", "t3"]) await sendText(cp.url, "time-q", [b]);
  await until(() => queueEvents(eu, "time-q").length === 1, 10_000, "one batch");
  await sleep(300);
  const batches = queueEvents(eu, "time-q");
  assert.is(batches.length, 1);
  assert.equal(bodiesOf(batches[0]), ["t1", "t2", "t3"]);
  assert.ok(batches[0].at - sentAt >= 950, `waited for the batch timeout (${batches[0].at - sentAt} ms)`);
});

test("retries then the dead-letter queue, which has its own consumer; attempts count deliveries", async () => {
  const eu = regions[0];
  const handler = (app: string, event: QueueEvent) => {
    if (app === "dlq-reader") return ackAll(app, event);
    return { ok: true as const, ms: 2, outcomes: event.messages.map((m) => (Buffer.from(m.body).toString() === "bad" ? "retry" as const : "ack" as const)) };
  };
  const us = await eventRegion(cp.url, "us", (app, event) => handler(app, event as QueueEvent));
  regions.push(us);
  await eu.stop(); // from now on only `us` is live
  regions.shift();
  await untilOffline(cp.url, "eu");
  await deployEvents(cp.url, "retrier", { consumers: [{ queue: "retry-q", maxBatchSize: 10, maxRetries: 2, deadLetterQueue: "retry-dlq" }] });
  await deployEvents(cp.url, "dlq-reader", { consumers: [{ queue: "retry-dlq" }] });
  await sendText(cp.url, "retry-q", ["good", "bad"]);
  await until(() => us.events.some((e) => e.app === "dlq-reader"), 10_000, "the dead letter delivered to its consumer");
  const attemptsOfBad = queueEvents(us, "retry-q").flatMap((e) => (e.event as QueueEvent).messages).filter((m) => Buffer.from(m.body).toString() === "bad").map((m) => m.attempts);
  assert.equal(attemptsOfBad, [1, 2, 3], "delivered 1 + maxRetries times");
  const good = queueEvents(us, "retry-q").flatMap(bodiesOf).filter((b) => b === "good");
  assert.is(good.length, 1, "the acked message was not redelivered");
  const dead = queueEvents(us, "retry-dlq");
  assert.equal(dead.map(bodiesOf), [["bad"]]);
  assert.is((dead[0].event as QueueEvent).messages[0].attempts, 1, "attempts start again in the DLQ");
  assert.ok(cp.lines.some((l) => /queue retry-q: message [0-9a-f]{32} moved to dead-letter queue retry-dlq after 3 deliveries/.test(l)), cp.lines.join("\n"));
});

test("a failed run retries the whole batch; without a DLQ the message is dropped with a warning", async () => {
  const us = regions[0];
  const failing = await eventRegion(cp.url, "ap", (_app, event) => ({ ok: false, error: `handler threw on ${(event as QueueEvent).messages.length}`, ms: 3 }));
  regions.push(failing);
  await us.stop();
  regions.shift();
  await untilOffline(cp.url, "us");
  await deployEvents(cp.url, "thrower", { consumers: [{ queue: "throw-q", maxRetries: 1 }] });
  await sendText(cp.url, "throw-q", ["x", "y"]);
  await until(() => cp.lines.filter((l) => l.includes("queue throw-q: message") && l.includes("dropped after 2 deliveries")).length === 2, 10_000, "both dropped");
  assert.equal(queueEvents(failing, "throw-q").map((e) => (e.event as QueueEvent).messages.map((m) => m.attempts)), [[1, 1], [2, 2]]);
  assert.ok(cp.lines.some((l) => l.includes("queue throw-q: batch of 2 messages failed on ap after 3 ms: handler threw on 2 (0 acked, 2 retried)")), cp.lines.join("\n"));
  assert.equal(cp.events.queues.depth("throw-q"), { ready: 0, delayed: 0, inFlight: 0 });
  await failing.stop();
  regions.pop();
});

test("a region that refuses connections is skipped without counting a delivery; an expired lease redelivers", async () => {
  const down = await downRegion(cp.url, "a-down");
  regions.push(down);
  let hung = 0;
  const slow = await eventRegion(cp.url, "b-slow", async (app, event) => {
    if (hung++ === 0) await sleep(60_000); // never answers the first batch: its lease (1.5 s) expires
    return ackAll(app, event);
  });
  regions.push(slow);
  await deployEvents(cp.url, "leaser", { consumers: [{ queue: "lease-q" }] });
  const sentAt = Date.now();
  await sendText(cp.url, "lease-q", ["L"]);
  await until(() => queueEvents(slow, "lease-q").length === 2, 15_000, "redelivered after the lease expired");
  const [first, second] = queueEvents(slow, "lease-q");
  assert.equal([first, second].map((e) => (e.event as QueueEvent).messages[0].attempts), [1, 2], "the refused region did not count");
  assert.ok(second.at - sentAt >= 1400, `redelivered after the lease (${second.at - sentAt} ms)`);
  await until(() => cp.events.queues.depth("lease-q").inFlight === 0 && cp.events.queues.depth("lease-q").ready === 0, 5000, "acked");
  // The first batch (a-down skipped, b-slow hung) is logged only when its request times out, which may
  // come after the redelivery above was acked.
  const skippedLine = (l: string) => l.includes("queue lease-q: batch of 1 message") && l.includes("skipped a-down (") && l.includes("ECONNREFUSED");
  await until(() => cp.lines.some(skippedLine), 10_000, "a lease-q log line naming the skipped a-down (ECONNREFUSED)");
  const res = await call(cp.url, "GET", "/v1/queues/lease-q/messages");
  assert.equal(res.body.messages, []);
});

test.run();
