// The queue store on a real LMDB in a temp dir: sends commit in visibility order, delayed messages wait,
// a lease hides its messages until it expires (then they are visible again with the delivery counted),
// settling acks, retries and dead-letters, a stale lease cannot settle, and a reopened store recovers leases.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Store } from "../store/store.ts";
import { removeDir, tempDir } from "../../testkit/temp.ts";
import { QueueStore } from "./queue-store.ts";
import type { ConsumerConfig } from "./types.ts";

const dir = tempDir();
let store = Store.open(dir);
let queues = new QueueStore(store.core);
const msg = (s: string, delaySeconds?: number) => ({ body: Buffer.from(s), contentType: "text", ...(delaySeconds ? { delaySeconds } : {}) });
const consumer: ConsumerConfig = { queue: "q", maxBatchSize: 10, maxBatchTimeout: 0, maxRetries: 1, deadLetterQueue: "dlq" };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test.after(async () => {
  await store.close();
  removeDir(dir);
});

test("sends are visible in order; a delayed one waits", async () => {
  const ids = await queues.send("q", [msg("a"), msg("b"), msg("later", 60)]);
  assert.is(ids.length, 3);
  assert.ok(ids.every((id) => /^[0-9a-f]{32}$/.test(id)));
  assert.is(queues.visible("q", 10).count, 2);
  assert.equal(queues.depth("q"), { ready: 2, delayed: 1, inFlight: 0 });
  assert.equal(queues.peek("q", 10).map((m) => Buffer.from(m.body).toString()), ["a", "b", "later"]);
  assert.ok(queues.nextVisibleAt("q")! > Date.now() + 50_000);
  assert.equal(queues.queues(), ["q"]);
});

test("a lease hides its messages until it expires, then they are visible with the delivery counted", async () => {
  const leased = await queues.lease("q", 10, 150);
  assert.equal(leased.map((m) => [Buffer.from(m.body).toString(), m.attempts]), [["a", 1], ["b", 1]]);
  assert.equal(queues.depth("q"), { ready: 0, delayed: 1, inFlight: 2 });
  assert.equal(await queues.lease("q", 10, 150), []);
  await sleep(200);
  assert.equal(queues.depth("q"), { ready: 2, delayed: 1, inFlight: 0 });
  const again = await queues.lease("q", 1, 10_000);
  assert.is(again[0].attempts, 2);
  // The first lease is stale now: settling it changes nothing.
  const stale = await queues.settle(leased.slice(0, 1), ["ack"], consumer, 10);
  assert.is(stale.stale, 1);
  assert.is(queues.depth("q").inFlight, 1);
  const done = await queues.settle(again, ["ack"], consumer, 10);
  assert.is(done.acked, 1);
});

test("retry goes round, then to the dead-letter queue; release does not count the delivery", async () => {
  let [m] = await queues.lease("q", 1, 10_000);
  assert.equal([Buffer.from(m.body).toString(), m.attempts], ["b", 2]);
  assert.is(await queues.release([m], 0), 1);
  assert.is(queues.peek("q", 1)[0].attempts, 1, "a released delivery is not counted");
  [m] = await queues.lease("q", 1, 10_000);
  assert.is(m.attempts, 2);
  const attemptsBefore = m.attempts;
  const r1 = await queues.settle([m], ["retry"], { ...consumer, maxRetries: attemptsBefore }, 30);
  assert.is(r1.retried, 1);
  assert.is(queues.depth("q").delayed, 2, "backing off");
  await sleep(60);
  [m] = await queues.lease("q", 1, 10_000);
  assert.is(m.attempts, attemptsBefore + 1);
  const r2 = await queues.settle([m], ["retry"], { ...consumer, maxRetries: attemptsBefore }, 30);
  assert.equal(r2.deadLettered.map((d) => [d.to, d.attempts]), [["dlq", attemptsBefore + 1]]);
  const [dead] = queues.peek("dlq", 10);
  assert.equal([Buffer.from(dead.body).toString(), dead.attempts, dead.id], ["b", 0, m.id]);
  const [d] = await queues.lease("dlq", 1, 10_000);
  assert.equal((await queues.settle([d], ["retry"], { ...consumer, queue: "dlq", maxRetries: 0, deadLetterQueue: null }, 10)).dropped.length, 1);
  assert.equal(queues.depth("dlq"), { ready: 0, delayed: 0, inFlight: 0 });
});

test("a reopened store makes leased messages visible at once", async () => {
  await queues.send("r", [msg("x"), msg("y")]);
  await queues.lease("r", 10, 60_000);
  assert.is(queues.depth("r").inFlight, 2);
  await store.close();
  store = Store.open(dir);
  queues = new QueueStore(store.core);
  assert.is(await queues.recoverLeases(), 2);
  assert.equal(queues.depth("r"), { ready: 2, delayed: 0, inFlight: 0 });
  assert.equal((await queues.lease("r", 10, 1000)).map((m) => m.attempts), [2, 2]);
  assert.equal(queues.depth("q"), { ready: 0, delayed: 1, inFlight: 0 }, "the delayed message survived too");
});

test.run();
