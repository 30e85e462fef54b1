// The change-log stream over real HTTP: existing entries then new ones, in seq order, as plain msgpack
// frames; pings while idle; resuming from `from`; refusals. (Reconnecting across a CP restart: restart.test.ts.)
import { test } from "uvu";
import * as assert from "uvu/assert";
import { request } from "undici";
import { UnpackrStream } from "msgpackr";
import type { LogEntry, LogFrame } from "../../core/change-log.ts";
import { startCp, upload } from "../../testkit/control-plane.ts";
import { call } from "../../testkit/http.ts";
import { removeDir } from "../../testkit/temp.ts";
import { REGION } from "../../testkit/tokens.ts";
import { until } from "../../testkit/wait.ts";

const cp = await startCp({ pingMs: 100 });

test.after(async () => {
  await cp.close();
  removeDir(cp.dataDir);
});

const kvPut = (key: string) => call(cp.url, "PUT", `/v1/kv/NS/${key}`, { body: key });

/** Opens the stream and collects frames until `stop()`. */
async function open(from: number | string) {
  const aborter = new AbortController();
  const res = await request(`${cp.url}/v1/log?from=${from}`, { headers: { authorization: `Bearer ${REGION}` }, signal: aborter.signal });
  assert.is(res.statusCode, 200);
  assert.is(res.headers["content-type"], "application/x-msgpack");
  const frames: LogFrame[] = [];
  const decoder = new UnpackrStream({ useRecords: false, mapsAsObjects: true });
  decoder.on("data", (f: LogFrame) => frames.push(f));
  res.body.on("data", (chunk: Buffer) => decoder.write(chunk));
  res.body.on("error", () => {});
  const entries = () => frames.filter((f): f is LogEntry => f.t !== "ping");
  return { frames, entries, stop: () => aborter.abort() };
}

test("existing entries, then new ones as they commit, in order, with pings between", async () => {
  await upload(cp.url, "app", "v1");
  for (const k of ["a", "b", "c"]) await kvPut(k);
  const s = await open(1);
  await until(() => s.entries().length === 4, 3000, "backlog");
  for (const k of ["d", "e"]) await kvPut(k);
  await Promise.all(["f", "g", "h"].map(kvPut)); // concurrent writes: one batch, still ordered
  await until(() => s.entries().length === 9, 3000, "new entries");
  const seqs = s.entries().map((f) => f.seq);
  assert.equal(seqs, [1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.is(s.entries()[0].t, "version");
  await until(() => s.frames.some((f) => f.t === "ping"), 3000, "a ping");
  const ping = s.frames.find((f) => f.t === "ping");
  assert.equal(ping, { t: "ping", head: 9 });
  s.stop();
});

test("from resumes after what the follower has", async () => {
  const s = await open(7);
  await until(() => s.entries().length === 3, 3000, "entries from 7");
  assert.equal(s.entries().map((f) => f.seq), [7, 8, 9]);
  s.stop();
  const tail = await open(10);
  await new Promise((r) => setTimeout(r, 250));
  assert.equal(tail.entries(), []);
  assert.ok(tail.frames.length >= 1, "pings while idle");
  await kvPut("i");
  await until(() => tail.entries().length === 1, 3000, "entry 10");
  tail.stop();
});

test("refusals: no token 401, deploy token 403, bad from 400, from past the head 409", async () => {
  assert.is((await call(cp.url, "GET", "/v1/log?from=1", { token: null })).status, 401);
  const token = (await call(cp.url, "POST", "/v1/apps/app/tokens")).body.token;
  const forbidden = await call(cp.url, "GET", "/v1/log?from=1", { token });
  assert.is(forbidden.status, 403);
  assert.match(forbidden.body.message, "region token");
  const bad = await call(cp.url, "GET", "/v1/log?from=x", { token: REGION });
  assert.is(bad.status, 400);
  assert.match(bad.body.message, "'from'");
  const ahead = await call(cp.url, "GET", `/v1/log?from=${cp.store.head() + 5}`, { token: REGION });
  assert.is(ahead.status, 409);
  assert.is(ahead.body.error, "ahead_of_log");
});

test.run();
