// Unit tests of applying the change log to a region, with a fake control plane (artifact fetcher,
// acks) and a fake runtime pool under the real AppRegistry: prepare loads without routing and
// acks; a SHA-256 mismatch is refused, acked as failed and never loaded; activate switches (and
// prepares first after downtime); a live version entry prefetches its artifact; transient failures
// leave the entry to be retried; a restart restores the active deployments from the store alone;
// gradual deploys split by percent.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { CpError } from "./cp-client.ts";
import { entries, manifest, removeFixtureDirs, setup } from "./test/applier-fixture.ts";
import { restoreActive } from "./restore.ts";

const log = entries();
const { at } = log;
const versionEntry = (v: number) => log.version(v);
const prepare = (v: number, id: string) => log.prepare(v, id);
const activate = log.activate;

test.before.each(() => log.reset());

test("prepare fetches, verifies, loads without routing and acks; activate routes it", async () => {
  const { store, registry, cp, loads, applier } = setup();
  await applier.apply(versionEntry(1));
  await applier.apply(prepare(1, "d1"));
  assert.equal(loads, ["shop@1:component v1"]);
  assert.ok(registry.prepared("shop@1"), "loaded on the pool");
  assert.is(registry.get("shop"), undefined, "not routed before activate");
  assert.is(registry.routes.match("x", "/"), null);
  assert.equal(cp.acks.map(({ phases: _, ...a }) => a), [{ deployId: "d1", ok: true, error: undefined }]);
  const phases = cp.acks[0].phases!;
  assert.equal(Object.keys(phases), ["fetchMs", "verifyMs", "compileMs", "warmMs", "aheadMs"], "the ack reports the time of each phase, and the part done ahead (from the upload)");
  assert.ok(Object.values(phases).every((ms) => ms >= 0));
  assert.is(phases.warmMs, 1, "warm-up: the pool's load time");
  assert.ok(store.artifact(manifest("v1").sha256), "artifact kept in the store");
  assert.ok(store.version("shop", 1)?.preparedAt);
  await applier.apply(activate("d1", [[1, 100]]));
  assert.is(registry.get("shop")?.key, "shop@1");
  assert.is(registry.routes.match("x", "/"), "shop");
  assert.is(store.active("shop")?.id, "d1");
  assert.is(store.appliedSeq, 3);
});

test("a SHA-256 mismatch is refused: acked as failed, never loaded or stored, not activated", async () => {
  const { store, registry, cp, loads, applier, lines } = setup();
  await applier.apply(versionEntry(1));
  await applier.apply(prepare(1, "d1"));
  await applier.apply(activate("d1", [[1, 100]]));
  cp.corrupt = true;
  await applier.apply(versionEntry(2));
  await applier.apply(prepare(2, "d2"));
  assert.is(cp.acks[1].deployId, "d2");
  assert.is(cp.acks[1].ok, false);
  assert.match(cp.acks[1].error ?? "", /hash mismatch: expected sha256 [0-9a-f]{64}, received \d+ bytes with sha256 [0-9a-f]{64}/);
  assert.equal(loads, ["shop@1:component v1"], "the corrupted bytes were never loaded");
  assert.is(store.artifact(manifest("v2").sha256), undefined, "nor stored");
  assert.match(store.version("shop", 2)?.failed ?? "", /hash mismatch/);
  assert.ok(lines.some((l) => /prepare shop v2 .*REFUSED: .*hash mismatch/.test(l)), lines.join("\n"));
  await applier.apply(activate("d2", [[2, 100]]));
  assert.is(registry.get("shop")?.key, "shop@1", "still serving the last good version");
  assert.is(store.active("shop")?.id, "d1");
  assert.is(store.appliedSeq, 6, "the refused entries are done, the log goes on");
});

test("activate after downtime prepares first; the replaced version is dropped from the pool", async () => {
  const { registry, cp, loads, undeployed, applier } = setup();
  await applier.apply(versionEntry(1));
  await applier.apply(prepare(1, "d1"));
  await applier.apply(activate("d1", [[1, 100]]));
  await applier.apply(versionEntry(2));
  // This region missed d2's prepare (the control plane activated it at the deadline).
  await applier.apply(activate("d2", [[2, 100]]));
  assert.equal(loads, ["shop@1:component v1", "shop@2:component v2"]);
  assert.is(registry.get("shop")?.key, "shop@2");
  assert.equal(undeployed, ["shop@1"]);
  assert.is(cp.acks.length, 1);
});

test("a transient failure leaves the entry unapplied; applying it again works", async () => {
  const { store, registry, cp, applier } = setup();
  await applier.apply(versionEntry(1), { backlog: true }); // replayed: no prefetch
  cp.down = true;
  const p = prepare(1, "d1");
  try {
    await applier.apply(p);
    assert.unreachable("should throw");
  } catch (err) {
    assert.instance(err, CpError);
  }
  assert.is(store.appliedSeq, 1);
  assert.is(cp.acks.length, 0);
  cp.down = false;
  assert.ok(await applier.apply(p));
  assert.ok(registry.prepared("shop@1"));
  assert.not.ok(await applier.apply(p), "and a replay of it is skipped");
});

test("a live version entry fetches its artifact ahead; the prepare uses that download instead of starting another", async () => {
  const { store, cp, applier, lines } = setup();
  await applier.apply(versionEntry(1)); // live: the download starts now
  await applier.apply(prepare(1, "d1"));
  assert.equal(cp.fetched, [manifest("v1").sha256], "fetched once");
  assert.ok(lines.some((l) => /prepare shop v1 .*prepared in \d+ ms \(fetched 0\.0 MB, download started at upload\)/.test(l)), lines.join("\n"));
  assert.ok(store.artifact(manifest("v1").sha256));
  await applier.apply(versionEntry(2), { backlog: true }); // replayed: nothing fetched ahead
  await new Promise((r) => setTimeout(r, 20));
  assert.is(cp.fetched.length, 1);
  assert.is(store.artifact(manifest("v2").sha256), undefined);
});

test("a restarted region serves its active deployment from the store alone", async () => {
  const first = setup();
  await first.applier.apply(versionEntry(1));
  await first.applier.apply(prepare(1, "d1"));
  await first.applier.apply(activate("d1", [[1, 100]]));
  await first.store.close();
  const again = setup(first.dir);
  again.cp.down = true;
  assert.is(await restoreActive(again.store, again.registry, () => undefined), 1);
  assert.is(again.registry.get("shop")?.key, "shop@1");
  assert.equal(again.cp.fetched, []);
  assert.is(again.store.appliedSeq, 3);
});

test("a gradual deploy splits requests by percent", async () => {
  const { registry, applier } = setup();
  await applier.apply(versionEntry(1));
  await applier.apply(versionEntry(2));
  await applier.apply(prepare(1, "d1"));
  await applier.apply(activate("d1", [[1, 100]]));
  await applier.apply(activate("d2", [[2, 30], [1, 70]]));
  const n = 4000;
  let v2 = 0;
  for (let i = 0; i < n; i++) if (registry.pick("shop")?.key === "shop@2") v2++;
  assert.ok(v2 / n > 0.25 && v2 / n < 0.35, `v2 got ${v2} of ${n}`);
  assert.is(registry.get("shop")?.key, "shop@1", "the larger share is the primary");
});

test("app.delete removes the app, its versions and its artifacts", async () => {
  const { store, registry, applier } = setup();
  await applier.apply(versionEntry(1));
  await applier.apply(prepare(1, "d1"));
  await applier.apply(activate("d1", [[1, 100]]));
  await applier.apply(at({ t: "app.delete", app: "shop" }));
  assert.is(registry.get("shop"), undefined);
  assert.is(registry.routes.match("x", "/"), null);
  assert.is(store.active("shop"), undefined);
  assert.equal(store.versionsOf("shop"), []);
  assert.is(store.artifact(manifest("v1").sha256), undefined);
});

test.after(removeFixtureDirs);
test.run();
