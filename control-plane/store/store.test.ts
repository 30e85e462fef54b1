// The store on a real LMDB in a temp dir (artifacts as files beside it): each mutation and its log entry
// commit together, seqs are contiguous under concurrent writes, subscribers and `follow` see entries in
// order, KV lists in byte order, app deletion, and everything survives closing and reopening.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Store } from "./store.ts";
import { removeDir, tempDir } from "../../testkit/temp.ts";
import type { Manifest } from "../../core/manifest.ts";

const dir = tempDir();
let store = Store.open(dir);

test.after(async () => {
  await store.close();
  removeDir(dir);
});

function version(text: string): { manifest: Manifest; bytes: Buffer; sha: string } {
  const bytes = Buffer.from(text);
  const sha = createHash("sha256").update(bytes).digest("hex");
  return { manifest: { name: "app", sha256: sha, size: bytes.length, kvNamespaces: [{ binding: "B", id: "NS" }] } as unknown as Manifest, bytes, sha };
}

test("an empty log has head 0; a version upload is state + artifact + entry at once", async () => {
  assert.is(store.head(), 0);
  const v = version("one");
  const { record, created } = await store.apps.putVersion("app", v.manifest, v.bytes, v.sha);
  assert.ok(created);
  assert.is(record.version, 1);
  assert.is(store.head(), 1);
  const [entry] = store.readLog(1);
  assert.equal({ ...entry, ts: 0 }, { seq: 1, ts: 0, t: "version", app: "app", version: 1, sha256: v.sha, size: 3, manifest: v.manifest });
  assert.equal(store.apps.artifact(v.sha), v.bytes);
  assert.equal(readFileSync(join(dir, "artifacts", v.sha)), v.bytes, "the artifact is a file named by its sha256");
  assert.not.ok(store.core.dbs.artifacts.doesExist(v.sha), "not in the LMDB artifacts db (read only for older data dirs)");
  assert.is(store.apps.get("app")!.lastVersion, 1);
  assert.equal([...store.apps.kvNamespaces("app")], ["NS"]);
});

test("concurrent writes get contiguous seqs and subscribers hear every commit", async () => {
  const heads: number[] = [];
  const off = store.subscribe((h) => heads.push(h));
  const seqs = await Promise.all(Array.from({ length: 50 }, (_, i) => store.kv.put("NS", { key: `k${i}`, value: Buffer.from([i]) })));
  off();
  assert.equal([...seqs].sort((a, b) => a - b), Array.from({ length: 50 }, (_, i) => i + 2));
  assert.is(store.head(), 51);
  assert.is(heads.at(-1), 51);
  assert.equal(store.readLog(2).map((e) => e.seq), Array.from({ length: 50 }, (_, i) => i + 2));
  for (const e of store.readLog(2)) assert.is(e.t === "kv.put" && store.kv.get("NS", e.key)?.seq, e.seq);
});

test("follow yields the backlog then new entries as they commit", async () => {
  const aborter = new AbortController();
  const seen: number[] = [];
  const done = (async () => {
    for await (const e of store.follow(50, aborter.signal)) {
      seen.push(e.seq);
      if (e.seq === 53) aborter.abort();
    }
  })();
  await store.kv.put("NS", { key: "x", value: Buffer.from("x") });
  await store.kv.delete("NS", "x");
  await done;
  assert.equal(seen, [50, 51, 52, 53]);
});

test("KV lists in UTF-8 byte order inside one namespace only", async () => {
  for (const key of ["\uFF5E", "😀", "a", "a\u0000b"]) await store.kv.put("ORDER", { key, value: Buffer.from(key) });
  await store.kv.put("ORDER2", { key: "a", value: Buffer.from("other ns") });
  assert.equal(store.kv.list("ORDER", {}).keys.map((k) => k.name), ["a", "a\u0000b", "\uFF5E", "😀"]);
  assert.equal(store.kv.list("ORDER", { prefix: "a" }).keys.map((k) => k.name), ["a", "a\u0000b"]);
});

test("deleting an app removes its versions and logs app.delete; artifacts stay", async () => {
  const v = version("gone");
  await store.apps.putVersion("gone", { ...v.manifest, name: "gone" } as Manifest, v.bytes, v.sha);
  const seq = await store.apps.delete("gone");
  assert.equal(store.readLog(seq!)[0].t, "app.delete");
  assert.is(store.apps.get("gone"), undefined);
  assert.equal(store.apps.versions("gone"), []);
  assert.ok(store.apps.artifact(v.sha));
  assert.is(await store.apps.delete("gone"), null);
});

test("closing and reopening keeps everything", async () => {
  const head = store.head();
  await store.close();
  store = Store.open(dir);
  assert.is(store.head(), head);
  assert.is(store.apps.versions("app").length, 1);
  assert.is(Buffer.from(store.kv.get("NS", "k7")!.value)[0], 7);
  assert.is(store.readLog(1).length, head);
  assert.is(await store.kv.put("NS", { key: "after", value: Buffer.from("y") }), head + 1);
});

test("close lets writes already started commit and refuses later ones with a clear error", async () => {
  const head = store.head();
  const started = [0, 1, 2].map((i) => store.kv.put("NS", { key: `racing${i}`, value: Buffer.from("r") }));
  const closing = store.close();
  const late = await store.kv.put("NS", { key: "late", value: Buffer.from("l") }).then(() => null, (e: Error) => e);
  assert.match(String(late?.message), /store is closed; the write was not made/);
  assert.equal(await Promise.all(started), [head + 1, head + 2, head + 3]);
  await closing;
  store = Store.open(dir);
  assert.is(store.head(), head + 3);
  assert.is(store.kv.get("NS", "late"), undefined);
  assert.is(Buffer.from(store.kv.get("NS", "racing2")!.value).toString(), "r");
});

test.run();
