// Unit tests of preparing a version ahead at its live `version` entry (speculative.ts), with the
// applier fixture (fake control plane and pool under the real AppRegistry): a live entry prepares
// (not routed, not recorded, no ack), a backlog one or one for another region does not; the
// deployment's prepare takes it over (one pool load, phases with aheadMs), also while it is still
// loading; superseded or unclaimed ones are unloaded; a failed one does not poison the real prepare.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { until } from "../../testkit/wait.ts";
import { entries, manifest, removeFixtureDirs, setup } from "./test/applier-fixture.ts";

const log = entries();
test.before.each(() => log.reset());

test("a live version entry prepares it ahead, unrouted; the deployment's prepare takes it over", async () => {
  const { store, registry, cp, loads, applier, lines } = setup();
  await applier.apply(log.version(1));
  await until(() => registry.prepared("shop@1"), 2000, "v1 prepared ahead");
  assert.equal(loads, ["shop@1:component v1"]);
  assert.is(registry.get("shop"), undefined, "never routed");
  assert.is(registry.routes.match("x", "/"), null);
  assert.is(store.active("shop"), undefined, "not served, not recorded");
  assert.is(store.version("shop", 1)?.preparedAt, undefined);
  assert.is(cp.acks.length, 0);
  await applier.apply(log.prepare(1, "d1"));
  assert.equal(loads, ["shop@1:component v1"], "no second load");
  assert.equal(cp.fetched, [manifest("v1").sha256], "no second fetch");
  assert.equal(applier.ahead.counts, { started: 1, taken: 1, unloaded: 0 });
  assert.is(cp.acks[0].ok, true);
  assert.ok((cp.acks[0].phases?.aheadMs ?? -1) >= 0, "the ack says the work was done ahead");
  assert.ok(lines.some((l) => /prepare shop v1 .*prepared in \d+ ms .*ms of it ahead, from the upload/.test(l)), lines.join("\n"));
  await applier.apply(log.activate("d1", [[1, 100]]));
  assert.is(registry.get("shop")?.key, "shop@1");
  assert.equal(loads.length, 1);
});

test("a deployment's prepare that arrives while the prepare ahead is loading joins it", async () => {
  const { registry, cp, loads, applier } = setup(undefined, { loadDelayMs: 50 });
  await applier.apply(log.version(1));
  await applier.apply(log.prepare(1, "d1"));
  assert.equal(loads, ["shop@1:component v1"], "one pool load");
  assert.is(applier.ahead.counts.taken, 1);
  assert.is(cp.acks[0].ok, true);
  await applier.apply(log.activate("d1", [[1, 100]]));
  assert.is(registry.get("shop")?.key, "shop@1");
});

test("a replayed version entry, or one of an app this region does not serve, is not prepared ahead", async () => {
  const { registry, cp, loads, applier } = setup();
  await applier.apply(log.version(1), { backlog: true });
  const elsewhere = { ...manifest("v2"), regions: ["us"] };
  await applier.apply(log.at({ t: "version", app: "shop", version: 2, sha256: elsewhere.sha256, size: 9, manifest: elsewhere }));
  await until(() => cp.fetched.length === 1, 2000, "v2 prefetched"); // still fetched ahead: its prepare comes anyway
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(loads, []);
  assert.is(applier.ahead.counts.started, 0);
  assert.is(registry.prepared("shop@1"), undefined);
});

test("a version prepared ahead is unloaded when a newer upload supersedes it, or when no deployment takes it", async () => {
  const { registry, loads, undeployed, applier, lines } = setup(undefined, { aheadTtlMs: 200 });
  await applier.apply(log.version(1));
  await until(() => registry.prepared("shop@1"), 2000, "v1 prepared ahead");
  await applier.apply(log.version(2));
  await until(() => undeployed.includes("shop@1"), 2000, "v1 unloaded");
  assert.is(registry.prepared("shop@1"), undefined);
  assert.ok(lines.some((l) => /shop@1 prepared ahead, unloaded: v2 was uploaded/.test(l)), lines.join("\n"));
  await until(() => undeployed.includes("shop@2"), 5000, "v2 unloaded after the ttl");
  assert.is(registry.prepared("shop@2"), undefined);
  assert.equal(loads, ["shop@1:component v1", "shop@2:component v2"]);
  assert.equal(applier.ahead.counts, { started: 2, taken: 0, unloaded: 2 });
  // A deployment of v2 after that prepares it again, as without the prepare ahead.
  await applier.apply(log.prepare(2, "d2"));
  await applier.apply(log.activate("d2", [[2, 100]]));
  assert.is(registry.get("shop")?.key, "shop@2");
  assert.is(loads.length, 3);
});

test("a superseded version still loading is taken over by a deployment of it, not unloaded", async () => {
  const { registry, loads, undeployed, applier } = setup(undefined, { loadDelayMs: 50 });
  await applier.apply(log.version(1));
  await applier.apply(log.version(2)); // v1 discarded while still loading
  await applier.apply(log.prepare(1, "d1"));
  await applier.apply(log.activate("d1", [[1, 100]]));
  assert.is(registry.get("shop")?.key, "shop@1");
  assert.ok(!undeployed.includes("shop@1"));
  assert.is(loads.filter((l) => l.startsWith("shop@1")).length, 1, "loaded once");
});

test("a failed prepare ahead does not poison the deployment's: it tries again and reports its own result", async () => {
  const { store, registry, cp, loads, applier, lines } = setup();
  cp.corrupt = true;
  await applier.apply(log.version(1));
  await applier.apply(log.prepare(1, "d1"));
  assert.is(cp.acks[0].ok, false);
  assert.match(cp.acks[0].error ?? "", /hash mismatch/);
  assert.is(cp.fetched.length, 2, "the deployment's prepare fetched again");
  assert.equal(loads, []);
  assert.is(store.artifact(manifest("v1").sha256), undefined);
  assert.ok(lines.some((l) => /shop v1 not prepared ahead .*hash mismatch/.test(l)), lines.join("\n"));
  // A transient failure ahead (control plane down) then a deployment that succeeds.
  cp.corrupt = false;
  cp.down = true;
  await applier.apply(log.version(2));
  await until(() => lines.some((l) => /shop v2 not prepared ahead/.test(l)), 2000, "v2 failed ahead");
  cp.down = false;
  await applier.apply(log.prepare(2, "d2"));
  assert.is(cp.acks[1].ok, true);
  assert.ok(registry.prepared("shop@2"));
});

test("a secret change drops the app's version prepared ahead (it bound the old values)", async () => {
  const { registry, undeployed, applier } = setup();
  await applier.apply(log.version(1));
  await until(() => registry.prepared("shop@1"), 2000, "v1 prepared ahead");
  await applier.apply(log.secret("TOKEN", "t1"));
  await until(() => undeployed.includes("shop@1"), 2000, "v1 unloaded");
  assert.is(applier.ahead.counts.unloaded, 1);
});

test.after(removeFixtureDirs);
test.run();
