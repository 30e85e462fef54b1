// Unit tests of the log stream's read-ahead: frames come out in order with the ones behind them
// visible; past its bound the source is paused and resumes as frames are taken; `fill` waits for a
// seq (or a ping, or the end) at most its timeout; a stream error is thrown by `next`.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { PassThrough } from "node:stream";
import { FrameQueue } from "./frame-queue.ts";

const source = () => new PassThrough({ objectMode: true });
const seqs = (q: FrameQueue) => q.later().map((f) => (f as { seq: number }).seq);

test("in order, with the frames behind the current one visible; bounded, resuming as frames are taken", async () => {
  const s = source();
  const q = new FrameQueue(s, { maxEntries: 3, maxBytes: 1 << 20 });
  for (let seq = 1; seq <= 6; seq++) s.write({ t: "kv.put", seq });
  await new Promise((r) => setImmediate(r));
  assert.equal(seqs(q), [1, 2, 3], "read ahead up to the bound, then paused");
  assert.ok(s.isPaused());
  assert.is(((await q.next()) as { seq: number }).seq, 1);
  await new Promise((r) => setImmediate(r));
  assert.equal(seqs(q), [2, 3, 4], "resumed for one more");
  s.end();
  const rest: number[] = [];
  for (let f = await q.next(); f !== undefined; f = await q.next()) rest.push((f as { seq: number }).seq);
  assert.equal(rest, [2, 3, 4, 5, 6]);
});

test("a KV value counts toward the byte bound", async () => {
  const s = source();
  const q = new FrameQueue(s, { maxEntries: 100, maxBytes: 4096 });
  s.write({ t: "kv.put", seq: 1, value: new Uint8Array(5000) });
  s.write({ t: "kv.put", seq: 2 });
  await new Promise((r) => setImmediate(r));
  assert.equal(seqs(q), [1]);
  assert.ok(q.full);
});

test("fill waits for a seq, a ping or the end, at most its timeout", async () => {
  const s = source();
  const q = new FrameQueue(s);
  const t = performance.now();
  await q.fill(5, 50);
  assert.ok(performance.now() - t >= 45, "timed out: nothing came");
  setTimeout(() => s.write({ t: "kv.put", seq: 5 }), 20);
  await q.fill(5, 5_000);
  assert.equal(seqs(q), [5]);
  setTimeout(() => s.write({ t: "ping", head: 9 }), 20);
  await q.fill(9, 5_000); // idle: the stream has nothing more
  setTimeout(() => s.destroy(new Error("socket hang up")), 20);
  await q.fill(100, 5_000);
  await q.next();
  await q.next();
  try {
    await q.next();
    assert.unreachable("the stream's error is thrown");
  } catch (err) {
    assert.match((err as Error).message, /socket hang up/);
  }
});

test.run();
