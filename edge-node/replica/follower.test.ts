// Unit tests of following the log with a fake control plane: msgpack frames decoded from a
// stream, entries applied in order, pings noted, a broken stream (or a failed apply) reconnected
// from appliedSeq + 1 after a backoff, a gap in the stream refused, a backlog entry applied with the
// entries behind it; the backoff's bounds; progress reports throttled to one a second.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { PassThrough } from "node:stream";
import { pack } from "msgpackr";
import { Backoff } from "../../core/backoff.ts";
import { LogFollower } from "./log-follower.ts";
import { ProgressReporter } from "./progress.ts";

function fakeCp(head?: number) {
  const opened: number[] = [];
  const streams: PassThrough[] = [];
  let registered = 0;
  return {
    opened, streams,
    get registered() { return registered; },
    async register() { registered++; },
    async openLog(from: number) {
      opened.push(from);
      const s = new PassThrough();
      streams.push(s);
      return Object.assign(s, { head });
    },
  };
}

const until = async (cond: () => boolean, ms = 2000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 5));
  }
};

test("entries apply in order; a broken stream reconnects from appliedSeq + 1", async () => {
  const cp = fakeCp();
  let applied = 0;
  const seen: number[] = [];
  const heads: number[] = [];
  const f = new LogFollower({
    cp, region: { name: "eu", url: "http://x" },
    appliedSeq: () => applied,
    apply: async (e) => { seen.push(e.seq); applied = e.seq; },
    onPing: (h) => heads.push(h),
    backoff: new Backoff({ min: 1, max: 4 }),
  });
  f.start();
  await until(() => cp.streams.length === 1);
  const s = cp.streams[0];
  // One write holding several frames, and a frame split across writes.
  s.write(Buffer.concat([pack({ t: "kv.put", seq: 1 }), pack({ t: "ping", head: 5 }), pack({ t: "kv.put", seq: 2 })]));
  const third = pack({ t: "kv.delete", seq: 3, key: "x".repeat(100) });
  s.write(third.subarray(0, 10));
  s.write(third.subarray(10));
  await until(() => applied === 3);
  s.destroy(new Error("socket hang up"));
  await until(() => cp.streams.length === 2);
  assert.equal(cp.opened, [1, 4]);
  assert.is(cp.registered, 2, "registers again on every connection");
  cp.streams[1].write(pack({ t: "kv.put", seq: 3 })); // already applied: handed over, the applier skips it
  cp.streams[1].write(pack({ t: "kv.put", seq: 4 }));
  await until(() => applied === 4);
  assert.equal(seen, [1, 2, 3, 3, 4]);
  assert.equal(heads, [5]);
  await f.stop();
});

test("a backlog prepare waits for the rest of the backlog and sees it; live entries are not backlog", async () => {
  const cp = fakeCp(4);
  let applied = 0;
  const seen: Array<{ seq: number; later: number[]; backlog: boolean | undefined }> = [];
  const f = new LogFollower({
    cp, region: { name: "eu", url: "http://x" },
    appliedSeq: () => applied,
    apply: async (e, ctx) => {
      seen.push({ seq: e.seq, later: (ctx.later ?? []).map((x) => (x as { seq: number }).seq), backlog: ctx.backlog });
      applied = e.seq;
    },
    backoff: new Backoff({ min: 1, max: 4 }),
  });
  f.start();
  await until(() => cp.streams.length === 1);
  const s = cp.streams[0];
  s.write(pack({ t: "prepare", seq: 1, app: "a" }));
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(seen, [], "the backlog prepare waits for the backlog's end (head 4)");
  s.write(Buffer.concat([pack({ t: "activate", seq: 2, app: "a" }), pack({ t: "kv.put", seq: 3 }), pack({ t: "activate", seq: 4, app: "a" })]));
  await until(() => applied === 4);
  s.write(pack({ t: "prepare", seq: 5, app: "a" }));
  await until(() => applied === 5);
  assert.equal(seen, [
    { seq: 1, later: [2, 3, 4], backlog: true },
    { seq: 2, later: [3, 4], backlog: true },
    { seq: 3, later: [4], backlog: true },
    { seq: 4, later: [], backlog: true },
    { seq: 5, later: [], backlog: false },
  ]);
  await f.stop();
});

test("a failed apply reconnects and the entry is applied again", async () => {
  const cp = fakeCp();
  let applied = 0;
  let failOnce = true;
  const f = new LogFollower({
    cp, region: { name: "eu", url: "http://x" },
    appliedSeq: () => applied,
    apply: async (e) => {
      if (e.seq === 2 && failOnce) { failOnce = false; throw new Error("control plane unreachable"); }
      applied = e.seq;
    },
    backoff: new Backoff({ min: 1, max: 4 }),
  });
  f.start();
  await until(() => cp.streams.length === 1);
  cp.streams[0].write(Buffer.concat([pack({ t: "version", seq: 1 }), pack({ t: "prepare", seq: 2 })]));
  await until(() => cp.streams.length === 2);
  assert.is(applied, 1);
  assert.equal(cp.opened, [1, 2]);
  cp.streams[1].write(pack({ t: "prepare", seq: 2 }));
  await until(() => applied === 2);
  await f.stop();
});

test("a gap in the stream reconnects; the same gap twice is accepted", async () => {
  const cp = fakeCp();
  let applied = 0;
  const f = new LogFollower({
    cp, region: { name: "eu", url: "http://x" },
    appliedSeq: () => applied,
    apply: async (e) => { applied = e.seq; },
    backoff: new Backoff({ min: 1, max: 4 }),
  });
  f.start();
  await until(() => cp.streams.length === 1);
  cp.streams[0].write(pack({ t: "kv.put", seq: 3 }));
  await until(() => cp.streams.length === 2);
  assert.is(applied, 0, "not applied over a gap");
  cp.streams[1].write(pack({ t: "kv.put", seq: 3 }));
  await until(() => applied === 3);
  await f.stop();
});

test("backoff: 100 ms doubling to 5 s with jitter in the upper half; reset", () => {
  const b = new Backoff({ random: () => 1 });
  assert.equal([1, 2, 3, 4, 5, 6, 7, 8].map(() => b.next()), [100, 200, 400, 800, 1600, 3200, 5000, 5000]);
  b.reset();
  assert.is(b.next(), 100);
  const low = new Backoff({ random: () => 0 });
  assert.equal([low.next(), low.next()], [50, 100]);
});

test("progress is reported at most once a second, and the last value gets through", async () => {
  const sent: Array<[number, number]> = [];
  const t0 = Date.now();
  const p = new ProgressReporter(async (seq) => { sent.push([seq, Date.now() - t0]); }, 100);
  p.update(1);
  p.update(2);
  await until(() => sent.length === 1);
  p.update(3);
  p.update(4);
  await until(() => sent.length === 2);
  assert.equal(sent.map((s) => s[0]), [2, 4]);
  assert.ok(sent[1][1] - sent[0][1] >= 95, `second report one interval later (${sent[1][1] - sent[0][1]} ms)`);
  p.update(4);
  await new Promise((r) => setTimeout(r, 150));
  assert.is(sent.length, 2, "nothing new, nothing sent");
  p.stop();
});

test.run();
