// Unit tests of the region store: log entries applied with appliedSeq in one transaction,
// idempotency (seq <= appliedSeq skipped), durability across a close and reopen, and KV writes
// applied ahead of the log (read-your-writes) that the log's older entries cannot undo.
import { createHash } from "node:crypto";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { rmSync } from "node:fs";
import { applyKvAhead, applyKvEntry } from "./kv-apply.ts";
import { kvKey } from "./kv-keys.ts";
import { sweepExpired } from "./kv-sweep.ts";
import { RegionStore } from "./region-store.ts";
import type { KvEntry } from "../replica/entries.ts";
import { tempDir } from "../../testkit/temp.ts";

const dirs: string[] = [];
const fresh = () => {
  const d = tempDir("outpost-store-");
  dirs.push(d);
  return d;
};
const bytes = (s: string) => new Uint8Array(Buffer.from(s));
/** An artifact name (artifacts are files named by a sha256 hex). */
const sha = (c: string) => c.repeat(64);
const put = (seq: number, key: string, value: string, extra: Partial<KvEntry> = {}): KvEntry =>
  ({ t: "kv.put", seq, ts: 0, namespace: "ns", key, value: bytes(value), ...extra }) as KvEntry;
const del = (seq: number, key: string): KvEntry => ({ t: "kv.delete", seq, ts: 0, namespace: "ns", key });
const text = (s: RegionStore, key: string) => {
  const r = s.kv.get(kvKey("ns", key));
  return r && !r.tombstone ? Buffer.from(r.value!).toString() : undefined;
};

test("entries apply in order with appliedSeq; a replayed entry is skipped", async () => {
  const s = new RegionStore(fresh());
  assert.is(s.appliedSeq, 0);
  assert.ok(await applyKvEntry(s, put(1, "a", "one")));
  assert.ok(await applyKvEntry(s, put(2, "a", "two")));
  assert.is(s.appliedSeq, 2);
  assert.not.ok(await applyKvEntry(s, put(1, "a", "one")), "seq 1 again is skipped");
  assert.is(text(s, "a"), "two");
  assert.ok(await applyKvEntry(s, del(3, "a")));
  assert.is(text(s, "a"), undefined);
  assert.not.ok(await s.commit(3, () => s.meta.put("x", 1)), "commit at an applied seq does nothing");
  assert.is(s.meta.get("x"), undefined);
  await s.close();
});

test("state and appliedSeq survive a restart", async () => {
  const dir = fresh();
  const s = new RegionStore(dir);
  await applyKvEntry(s, put(1, "k", "v", { metadata: '{"m":1}', expiration: 4_000_000_000 }));
  const component = bytes("component");
  const digest = createHash("sha256").update(component).digest("hex"); // read back after a restart: checked against its name
  await s.putArtifact(digest, component);
  await s.commit(2, () => {
    s.apps.put("shop", { app: "shop", id: "d1", versions: [{ version: 1, sha256: digest, percent: 100 }], activatedAt: 1, seq: 2 });
  });
  await s.close();
  const again = new RegionStore(dir);
  assert.is(again.appliedSeq, 2);
  assert.equal(again.kv.get(kvKey("ns", "k")), { value: Buffer.from("v"), metadata: '{"m":1}', expiration: 4_000_000_000, seq: 1 });
  assert.is(Buffer.from(again.artifact(digest)!).toString(), "component");
  assert.equal(again.activeDeployments().map((a) => a.id), ["d1"]);
  await again.close();
});

test("a write applied ahead of the log is read at once and not undone by older log entries", async () => {
  const s = new RegionStore(fresh());
  await applyKvEntry(s, put(1, "k", "old"));
  // This region wrote k at seq 5 (the control plane's answer) while the log is at 1.
  assert.ok(await applyKvAhead(s, put(5, "k", "mine")));
  assert.is(s.appliedSeq, 1, "appliedSeq does not move for an ahead write");
  assert.is(text(s, "k"), "mine");
  await applyKvEntry(s, put(3, "k", "older, from another region"));
  assert.is(text(s, "k"), "mine", "an older log entry does not overwrite it");
  await applyKvEntry(s, put(5, "k", "mine"));
  assert.is(s.appliedSeq, 5);
  assert.is(text(s, "k"), "mine");
  assert.not.ok(await applyKvAhead(s, put(4, "k", "late")), "an ahead write at or below appliedSeq is the log's already");
});

test("an ahead delete leaves a tombstone until the log's delete arrives", async () => {
  const s = new RegionStore(fresh());
  await applyKvEntry(s, put(1, "k", "v"));
  await applyKvAhead(s, del(4, "k"));
  assert.is(text(s, "k"), undefined);
  assert.is(s.kv.get(kvKey("ns", "k"))?.tombstone, true);
  await applyKvEntry(s, put(2, "k", "resurrected?"));
  assert.is(text(s, "k"), undefined, "an older put does not bring the key back");
  await applyKvEntry(s, put(3, "other", "x"));
  await applyKvEntry(s, del(4, "k"));
  assert.is(s.kv.get(kvKey("ns", "k")), undefined, "the tombstone is gone once the log caught up");
});

test("change stamps move when a key changes", async () => {
  const s = new RegionStore(fresh());
  const slot = s.stamps.slot("ns", "k");
  const [e0, k0] = [s.stamps.epoch(), s.stamps.stamp(slot)];
  await applyKvEntry(s, put(1, "k", "v"));
  assert.ok(s.stamps.epoch() > e0);
  assert.ok(s.stamps.stamp(slot) > k0);
});

test("versions of an app, and artifacts nothing refers to", async () => {
  const s = new RegionStore(fresh());
  const manifest = { name: "a" } as never;
  await s.commit(1, () => {
    s.versions.put(["a", 1], { app: "a", version: 1, sha256: sha("1"), manifest });
    s.versions.put(["a", 2], { app: "a", version: 2, sha256: sha("2"), manifest });
    s.versions.put(["ab", 1], { app: "ab", version: 1, sha256: sha("3"), manifest });
  });
  assert.equal(s.versionsOf("a").map((v) => v.version), [1, 2]);
  await s.putArtifact(sha("1"), bytes("1"));
  await s.putArtifact(sha("f"), bytes("2"));
  assert.equal(s.orphanArtifacts(), [sha("f")]);
});

test("the sweep removes expired records the log has caught up with", async () => {
  const s = new RegionStore(fresh());
  const now = Date.now();
  const past = Math.floor(now / 1000) - 5;
  await applyKvEntry(s, put(1, "old", "x", { expiration: past }));
  await applyKvEntry(s, put(2, "live", "x", { expiration: past + 3600 }));
  await applyKvAhead(s, put(9, "ahead", "x", { expiration: past }));
  const slot = s.stamps.slot("ns", "old");
  const before = s.stamps.stamp(slot);
  assert.is(await sweepExpired(s, now), 1);
  assert.is(s.kv.get(kvKey("ns", "old")), undefined);
  assert.ok(s.kv.get(kvKey("ns", "live")));
  assert.ok(s.kv.get(kvKey("ns", "ahead")), "not before the log reaches it");
  assert.ok(s.stamps.stamp(slot) > before, "readers' caches are told");
});

test.after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });
test.run();
