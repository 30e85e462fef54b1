// Unit tests of a region's KV backend (the one component instances use): reads from the store
// with the shared Workers-KV semantics (limits, expiry, metadata, list order, prefix, cursor),
// writes forwarded to a fake control plane and applied at once (read-your-writes), errors as
// `kv-error.invalid` / `unavailable`, and reads in another thread seeing the main thread's writes.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { rmSync } from "node:fs";
import { Worker } from "node:worker_threads";
import { applyKvEntry } from "./kv-apply.ts";
import { RegionStore } from "./region-store.ts";
import { createKvBackend } from "./worker-kv.ts";
import { KvWriter } from "../replica/kv-writer.ts";
import { CpError, type KvPutBody } from "../replica/cp-client.ts";
import { tempDir } from "../../testkit/temp.ts";

const dirs: string[] = [];
const enc = (s: string) => new Uint8Array(Buffer.from(s));
const dec = (b: Uint8Array | undefined) => (b ? Buffer.from(b).toString() : undefined);

function setup(cpFails?: () => Error) {
  const dir = tempDir("outpost-kv-");
  dirs.push(dir);
  const store = new RegionStore(dir);
  let seq = 100;
  const calls: Array<{ op: string; key: string; body?: KvPutBody }> = [];
  const cp = {
    async kvPut(_ns: string, key: string, body: KvPutBody) {
      if (cpFails) throw cpFails();
      calls.push({ op: "put", key, body });
      return { seq: ++seq, ...(body.expirationTtl ? { expiration: Math.floor(Date.now() / 1000) + body.expirationTtl } : {}) };
    },
    async kvDelete(_ns: string, key: string) {
      if (cpFails) throw cpFails();
      calls.push({ op: "delete", key });
      return { seq: ++seq };
    },
  };
  const writer = new KvWriter(store, cp);
  const kv = createKvBackend({ path: store.path, stamps: store.stamps.buffer }, (w) => writer.write(w));
  return { store, kv, calls, writer };
}

async function rejects(p: Promise<unknown> | (() => unknown), kind: string, pattern: RegExp): Promise<void> {
  try {
    await (typeof p === "function" ? p() : p);
  } catch (err) {
    const e = err as Error & { kvError?: string };
    assert.is(e.kvError, kind, `kvError of: ${e.message}`);
    assert.match(e.message, pattern);
    return;
  }
  assert.unreachable(`expected a ${kind} error matching ${pattern}`);
}

test("a put is read back at once with its metadata, before the log brings it", async () => {
  const { store, kv, calls } = setup();
  await kv.put("ns", "greeting", enc("hello"), { metadata: '{"lang":"en"}' });
  assert.equal(calls.map((c) => c.op), ["put"]);
  assert.equal(calls[0].body?.metadata, { lang: "en" }, "metadata goes to the control plane as JSON, not as text");
  const got = kv.get("ns", "greeting");
  assert.is(dec(got?.value), "hello");
  assert.is(got?.metadata, '{"lang":"en"}');
  assert.is(store.appliedSeq, 0);
  await kv.delete("ns", "greeting");
  assert.is(kv.get("ns", "greeting"), undefined);
});

test("a change the log applies is seen by the next read (the cache is invalidated)", async () => {
  const { store, kv } = setup();
  await applyKvEntry(store, { t: "kv.put", seq: 1, ts: 0, namespace: "ns", key: "k", value: enc("one") });
  assert.is(dec(kv.get("ns", "k")?.value), "one");
  assert.is(dec(kv.get("ns", "k")?.value), "one");
  await applyKvEntry(store, { t: "kv.put", seq: 2, ts: 0, namespace: "ns", key: "k", value: enc("two") });
  assert.is(dec(kv.get("ns", "k")?.value), "two");
  await applyKvEntry(store, { t: "kv.delete", seq: 3, ts: 0, namespace: "ns", key: "k" });
  assert.is(kv.get("ns", "k"), undefined);
});

test("expiration: TTL under 60 s and past times are refused; expired keys read as missing", async () => {
  const { store, kv } = setup();
  await rejects(kv.put("ns", "k", enc("v"), { expirationTtl: 30 }), "invalid", /expirationTtl is 30 s, under the minimum of 60 s/);
  await rejects(kv.put("ns", "k", enc("v"), { expiration: Math.floor(Date.now() / 1000) + 10 }), "invalid", /at least 60 s ahead/);
  await kv.put("ns", "ttl", enc("v"), { expirationTtl: 120 });
  const exp = kv.get("ns", "ttl")?.expiration ?? 0;
  assert.ok(Math.abs(exp - (Date.now() / 1000 + 120)) < 3, `expiration ${exp} is about now + 120 s`);
  const past = Math.floor(Date.now() / 1000) - 1;
  await applyKvEntry(store, { t: "kv.put", seq: 1, ts: 0, namespace: "ns", key: "gone", value: enc("x"), expiration: past });
  assert.is(kv.get("ns", "gone"), undefined);
  assert.equal(kv.list("ns", {}).keys.map((k) => k.name), ["ttl"]);
});

test("key, value and metadata limits are kv-error.invalid naming the limit", async () => {
  const { kv, calls } = setup();
  await rejects(() => kv.get("ns", "x".repeat(513)), "invalid", /513 bytes of UTF-8, over the key size limit of 512 bytes/);
  await rejects(kv.put("ns", "é".repeat(257), enc("v"), {}), "invalid", /514 bytes/);
  await rejects(kv.put("ns", "..", enc("v"), {}), "invalid", /reserved/);
  await rejects(() => kv.get("ns", ""), "invalid", /empty/);
  await rejects(kv.put("ns", "big", new Uint8Array(25 * 1024 * 1024 + 1), {}), "invalid", /over the value size limit/);
  await rejects(kv.put("ns", "m", enc("v"), { metadata: JSON.stringify({ s: "x".repeat(1100) }) }), "invalid", /metadata size limit of 1024 bytes/);
  await kv.put("ns", "x".repeat(512), new Uint8Array(25 * 1024 * 1024), {});
  assert.is(calls.length, 1, "only the valid put reached the control plane");
});

test("list: UTF-8 byte order, prefix, limit and cursor pages; expired keys skipped", async () => {
  const { store, kv } = setup();
  const names = ["a", "b/1", "b/2", "b/3", "c", "\uFFFD", "\u{1F600}"];
  let seq = 0;
  for (const key of names) await applyKvEntry(store, { t: "kv.put", seq: ++seq, ts: 0, namespace: "ns", key, value: enc(key), metadata: key === "c" ? '{"n":1}' : undefined });
  await applyKvEntry(store, { t: "kv.put", seq: ++seq, ts: 0, namespace: "other", key: "b/9", value: enc("x") });
  const all = kv.list("ns", {});
  assert.equal(all.keys.map((k) => k.name), names, "U+FFFD sorts before U+1F600 in UTF-8 (not in UTF-16)");
  assert.is(all.listComplete, true);
  assert.is(all.keys.find((k) => k.name === "c")?.metadata, '{"n":1}');
  const p1 = kv.list("ns", { prefix: "b/", limit: 2 });
  assert.equal(p1.keys.map((k) => k.name), ["b/1", "b/2"]);
  assert.is(p1.listComplete, false);
  const p2 = kv.list("ns", { prefix: "b/", limit: 2, cursor: p1.cursor });
  assert.equal(p2.keys.map((k) => k.name), ["b/3"]);
  assert.is(p2.listComplete, true);
  await rejects(() => kv.list("ns", { limit: 1001 }), "invalid", /limit must be an integer from 1 to 1000/);
  await rejects(() => kv.list("ns", { cursor: "not a cursor!" }), "invalid", /cursor/);
});

test("control plane errors: limits are invalid, unreachable is unavailable; no control plane is unavailable", async () => {
  const bad = setup(() => new CpError("control plane answered 413 to PUT: too big", 413, "value_too_large"));
  await rejects(bad.kv.put("ns", "k", enc("v"), {}), "invalid", /413/);
  const down = setup(() => new CpError("control plane http://127.0.0.1:1 unreachable", 0));
  await rejects(down.kv.put("ns", "k", enc("v"), {}), "unavailable", /unreachable/);
  assert.is(down.kv.get("ns", "k"), undefined, "nothing applied locally when the write failed");
  const { store } = setup();
  const offline = new KvWriter(store, null);
  await rejects(offline.write({ op: "delete", namespace: "ns", key: "k" }), "unavailable", /without one/);
});

test("a worker thread reading the same store sees the main thread's writes at once", async () => {
  const { store, writer } = setup();
  const source = `
    import { parentPort, workerData } from "node:worker_threads";
    const { createKvBackend } = await import(workerData.module);
    let id = 0; const waiting = new Map();
    const kv = createKvBackend(workerData.options, (w) => new Promise((resolve, reject) => {
      waiting.set(++id, { resolve, reject }); parentPort.postMessage({ t: "write", id, w });
    }));
    parentPort.on("message", async (m) => {
      if (m.t === "done") return waiting.get(m.id).resolve();
      if (m.t === "get") { const v = kv.get("ns", m.key); parentPort.postMessage({ t: "got", value: v ? Buffer.from(v.value).toString() : null }); }
      if (m.t === "put") { await kv.put("ns", m.key, new TextEncoder().encode(m.value), {}); const v = kv.get("ns", m.key); parentPort.postMessage({ t: "got", value: v ? Buffer.from(v.value).toString() : null }); }
    });
    parentPort.postMessage({ t: "ready" });`;
  const w = new Worker(new URL(`data:text/javascript,${encodeURIComponent(source)}`), {
    workerData: { module: new URL("./worker-kv.ts", import.meta.url).href, options: { path: store.path, stamps: store.stamps.buffer } },
  });
  const next = () => new Promise<{ t: string; value?: string | null }>((resolve) => {
    const on = (m: { t: string }) => { if (m.t !== "write") { w.off("message", on); resolve(m); } };
    w.on("message", on);
  });
  w.on("message", (m: { t: string; id: number; w: never }) => {
    if (m.t === "write") void writer.write(m.w).then(() => w.postMessage({ t: "done", id: m.id }));
  });
  assert.is((await next()).t, "ready");
  const ask = async (m: object) => { const p = next(); w.postMessage(m); return (await p).value; };
  assert.is(await ask({ t: "get", key: "k" }), null);
  for (let i = 1; i <= 20; i++) {
    await applyKvEntry(store, { t: "kv.put", seq: i, ts: 0, namespace: "ns", key: "k", value: enc(`v${i}`) });
    assert.is(await ask({ t: "get", key: "k" }), `v${i}`, "no stale read from the worker's cache or snapshot");
  }
  assert.is(await ask({ t: "put", key: "mine", value: "from the worker" }), "from the worker", "read-your-writes in the worker");
  assert.is(dec(store.kv.get(Buffer.from("ns\0mine"))?.value), "from the worker");
  await w.terminate();
});

test.after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });
test.run();
