// Unit tests of secrets on a region (secret-apply.ts through the real Applier, fake pool and control
// plane): a version binds the secrets its manifest declares that the app has; a change reloads the
// active set under new pool keys and switches to it in one step (the old keys retire); a change to an
// undeclared secret reloads nothing, nor one a later change in a replayed backlog supersedes; a
// restarted region binds them from its store alone; app.delete drops them; values never appear in
// the region's output.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { entries, removeFixtureDirs, setup } from "./test/applier-fixture.ts";
import { restoreActive } from "./restore.ts";

const log = entries();
test.before.each(() => log.reset());
test.after(removeFixtureDirs);

async function deployed(secrets = ["API_KEY"]) {
  const f = setup();
  await f.applier.apply(log.secret("API_KEY", "first-value")); // seq 1: set before the first deploy
  await f.applier.apply(log.secret("OTHER", "not-declared")); // seq 2
  for (const e of [log.version(1, secrets), log.prepare(1, "d4", secrets), log.activate("d4", [[1, 100]])]) await f.applier.apply(e);
  return f;
}

test("a version binds the declared secrets the app has, under a key naming the secrets' revision", async () => {
  const f = await deployed();
  assert.is(f.registry.get("shop")?.key, "shop@1+s2");
  assert.equal(f.secretsOf.get("shop@1+s2"), { API_KEY: "first-value" }, "OTHER is not declared: not bound");
  assert.equal(f.store.secretsOf("shop"), { API_KEY: "first-value", OTHER: "not-declared" });
});

test("a secret change reloads the active set with the new value and switches to it; the old key retires", async () => {
  const f = await deployed();
  await f.applier.apply(log.secret("API_KEY", "second-value")); // seq 6
  assert.is(f.registry.get("shop")?.key, "shop@1+s6");
  assert.equal(f.secretsOf.get("shop@1+s6"), { API_KEY: "second-value" });
  assert.is(f.registry.active("shop")?.id, "d4", "the same deployment serves on");
  assert.equal(f.undeployed, ["shop@1+s2"], "the old values' version is dropped once idle");
  assert.equal(f.cp.fetched.length, 1, "nothing fetched again: the artifact is in the store");
  await f.applier.apply(log.secret("API_KEY")); // seq 7: deleted
  assert.equal(f.secretsOf.get("shop@1+s7"), {});
  assert.is(f.registry.get("shop")?.key, "shop@1+s7");
  assert.ok(f.lines.some((l) => /seq 7 secret API_KEY of shop deleted; deploy d4 reloaded/.test(l)), f.lines.join("\n"));
  assert.not.ok(f.lines.some((l) => /first-value|second-value|not-declared/.test(l)), "values never in the output");
});

test("a change to a secret the served versions do not declare reloads nothing", async () => {
  const f = await deployed();
  const loads = f.loads.length;
  await f.applier.apply(log.secret("OTHER", "changed"));
  assert.is(f.loads.length, loads);
  assert.is(f.registry.get("shop")?.key, "shop@1+s2");
  assert.equal(f.store.secretsOf("shop").OTHER, "changed");
});

test("in a replayed backlog, only the app's last secret change reloads it", async () => {
  const f = await deployed();
  const loads = f.loads.length;
  const backlog = [log.secret("API_KEY", "old-1"), log.secret("API_KEY", "old-2"), log.secret("API_KEY", "last")];
  for (const [i, e] of backlog.entries()) await f.applier.apply(e, { later: backlog.slice(i + 1), backlog: true });
  assert.is(f.loads.length, loads + 1, "one reload");
  assert.equal(f.secretsOf.get(f.registry.get("shop")!.key), { API_KEY: "last" });
  assert.ok(f.lines.some((l) => /seq 6 secret API_KEY of shop set; reload skipped: seq 7 changes the app's secrets again later in the log/.test(l)), f.lines.join("\n"));
});

test("in a replayed backlog, a later change to an undeclared secret does not stop the reload of a declared one", async () => {
  const f = await deployed();
  const backlog = [log.secret("API_KEY", "new-value"), log.secret("OTHER", "changed")];
  for (const [i, e] of backlog.entries()) await f.applier.apply(e, { later: backlog.slice(i + 1), backlog: true });
  assert.equal(f.secretsOf.get(f.registry.get("shop")!.key), { API_KEY: "new-value" }, "the app serves the new value");
});

test("a restarted region binds the secrets from its store, without the control plane", async () => {
  const first = await deployed();
  await first.applier.apply(log.secret("API_KEY", "latest"));
  await first.store.close();
  const again = setup(first.dir);
  again.cp.down = true;
  assert.is(await restoreActive(again.store, again.registry, () => undefined), 1);
  assert.is(again.registry.get("shop")?.key, "shop@1+s6");
  assert.equal(again.secretsOf.get("shop@1+s6"), { API_KEY: "latest" });
});

test("app.delete drops the app's secrets", async () => {
  const f = await deployed();
  await f.applier.apply(log.at({ t: "app.delete", app: "shop" }));
  assert.equal(f.store.secretsOf("shop"), {});
});

test.run();
