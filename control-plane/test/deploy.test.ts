// The deploy protocol over real HTTP with real log-stream followers as regions: no live region activates at
// once; a live region's ack gates activation (propagation ms reported); the deadline; a refused artifact;
// rollback; gradual deploys; a newer deployment supersedes one still preparing.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { FakeRegion } from "../../testkit/fake-region.ts";
import { startCp, upload } from "../../testkit/control-plane.ts";
import { call } from "../../testkit/http.ts";
import { removeDir } from "../../testkit/temp.ts";
import { until } from "../../testkit/wait.ts";

const cp = await startCp();

test.after(async () => {
  await cp.close();
  removeDir(cp.dataDir);
});

const live = async (name: string, want: boolean) =>
  until(async () => (await call(cp.url, "GET", "/v1/status")).body.regions.some((r: { name: string; connected: boolean }) => r.name === name && r.connected) === want, 5000, `${name} live=${want}`);

async function region(name: string, options: ConstructorParameters<typeof FakeRegion>[2] = {}): Promise<FakeRegion> {
  const r = new FakeRegion(cp.url, name, options);
  await r.register();
  await live(name, true);
  return r;
}

async function stopRegion(r: FakeRegion): Promise<void> {
  await r.stop();
  await live(r.name, false);
}

const deployment = async (id: string) => (await call(cp.url, "GET", `/v1/deployments/${id}`)).body;

test("with no live region a deployment activates at once", async () => {
  await upload(cp.url, "solo", "v1");
  const res = await call(cp.url, "POST", "/v1/apps/solo/deployments", { json: { versions: [{ version: 1, percent: 100 }] } });
  assert.is(res.status, 200);
  assert.is(res.body.state, "active");
  assert.type(res.body.propagationMs, "number");
  const kinds = cp.store.readLog(1).filter((e) => "app" in e && e.app === "solo").map((e) => e.t);
  assert.equal(kinds, ["version", "prepare", "activate"]);
  const versions = await call(cp.url, "GET", "/v1/apps/solo/versions");
  assert.is(versions.body.deployment.id, res.body.deployId);
  assert.is(versions.body.versions[0].percent, 100);
});

test("a live region's ack gates activation; propagation and per-region times are reported", async () => {
  await upload(cp.url, "gated", "v1");
  const r1 = await region("r1", { holdAcks: true });
  const res = await call(cp.url, "POST", "/v1/apps/gated/deployments", { json: { versions: [{ version: 1 }] } });
  assert.is(res.status, 202);
  assert.is(res.body.state, "preparing");
  const id = res.body.deployId;
  await until(() => r1.entries.some((e) => e.t === "prepare" && e.deployId === id), 5000, "prepare at r1");
  await new Promise((r) => setTimeout(r, 150));
  const waiting = await deployment(id);
  assert.is(waiting.state, "preparing");
  assert.equal(waiting.regions.find((x: { name: string }) => x.name === "r1"), { name: "r1", state: "pending", live: true });
  assert.not.ok(cp.store.readLog(1).some((e) => e.t === "activate" && e.deployId === id));
  await r1.release();
  const done = await until(async () => ((await deployment(id)).state === "active" ? deployment(id) : null), 5000, "activation");
  assert.ok(done.propagationMs >= 150, `propagationMs ${done.propagationMs}`);
  const row = done.regions.find((x: { name: string }) => x.name === "r1");
  assert.is(row.state, "prepared");
  assert.type(row.prepareMs, "number");
  assert.ok(row.ackMs >= 150);
  await until(() => r1.entries.some((e) => e.t === "activate" && e.deployId === id), 5000, "activate at r1");
  await r1.progress();
  const served = await deployment(id);
  assert.is(served.regions.find((x: { name: string }) => x.name === "r1").state, "active");
  assert.type(served.regions.find((x: { name: string }) => x.name === "r1").activeMs, "number");
  await stopRegion(r1);
});

test("wait: true answers once every live region acked", async () => {
  await upload(cp.url, "waiter", "v1");
  const [a, b] = [await region("wa"), await region("wb")];
  const res = await call(cp.url, "POST", "/v1/apps/waiter/deployments", { json: { versions: [{ version: 1 }], wait: true } });
  assert.is(res.status, 200);
  assert.is(res.body.state, "active");
  const names = res.body.regions.filter((x: { state: string }) => x.state !== "pending").map((x: { name: string }) => x.name);
  assert.equal(names, ["wa", "wb"]);
  await stopRegion(a);
  await stopRegion(b);
});

test("at the deadline it activates with the regions that acked, naming the rest", async () => {
  await upload(cp.url, "late", "v1");
  const quiet = await region("quiet", { silent: true });
  const res = await call(cp.url, "POST", "/v1/apps/late/deployments", { json: { versions: [{ version: 1 }], deadlineMs: 300, wait: true } });
  assert.is(res.body.state, "active");
  assert.equal(res.body.timedOut, ["quiet"]);
  assert.ok(res.body.propagationMs >= 300);
  await stopRegion(quiet);
});

test("a region that refuses the artifact (sha256 mismatch) fails the deployment: no activate", async () => {
  await upload(cp.url, "broken", "v1");
  const bad = await region("bad", { corrupt: true });
  const res = await call(cp.url, "POST", "/v1/apps/broken/deployments", { json: { versions: [{ version: 1 }], wait: true } });
  assert.is(res.body.state, "failed");
  assert.match(res.body.error, "region 'bad' refused it: sha256 mismatch");
  assert.is(res.body.regions.find((x: { name: string }) => x.name === "bad").state, "failed");
  assert.not.ok(cp.store.readLog(1).some((e) => e.t === "activate" && e.app === "broken"));
  assert.is((await call(cp.url, "GET", "/v1/apps/broken/versions")).body.deployment, null);
  await stopRegion(bad);
});

test("rollback to a named version, and to the previous deployment", async () => {
  for (const v of ["v1", "v2", "v3"]) await upload(cp.url, "roll", v);
  for (const version of [1, 2, 3]) await call(cp.url, "POST", "/v1/apps/roll/deployments", { json: { versions: [{ version }] } });
  const named = await call(cp.url, "POST", "/v1/apps/roll/rollback", { json: { version: 1 } });
  assert.is(named.body.kind, "rollback");
  assert.equal(named.body.versions.map((v: { version: number }) => v.version), [1]);
  const previous = await call(cp.url, "POST", "/v1/apps/roll/rollback", { json: {} });
  assert.equal(previous.body.versions.map((v: { version: number }) => v.version), [3]);
  const activates = cp.store.readLog(1).filter((e) => e.t === "activate" && e.app === "roll");
  assert.equal(activates.map((e) => e.t === "activate" && e.versions[0].version), [1, 2, 3, 1, 3]);
  assert.is((await call(cp.url, "POST", "/v1/apps/solo/rollback", { json: {} })).status, 409);
  assert.is((await call(cp.url, "POST", "/v1/apps/roll/rollback", { json: { version: 9 } })).status, 404);
});

test("a gradual deploy splits two versions by percent; bad splits are 400 naming the field", async () => {
  const res = await call(cp.url, "POST", "/v1/apps/roll/deployments", { json: { versions: [{ version: 3, percent: 90 }, { version: 2, percent: 10 }] } });
  assert.is(res.body.state, "active");
  const list = await call(cp.url, "GET", "/v1/apps/roll/versions");
  assert.equal(list.body.versions.map((v: { percent: number }) => v.percent), [0, 10, 90]);
  const prepare = cp.store.readLog(1).filter((e) => e.t === "prepare").at(-1);
  assert.ok(prepare && prepare.t === "prepare" && prepare.versions[0].manifest.name === "roll");
  const cases: [unknown, string][] = [
    [[{ version: 3, percent: 90 }, { version: 2, percent: 20 }], "'versions'"],
    [[{ version: 3, percent: 50 }, { version: 3, percent: 50 }], "'versions'"],
    [[{ version: 0 }], "'versions[0].version'"],
    [[{ version: 1, percent: 50 }, { version: 2 }], "'versions[1].percent'"],
    [[], "'versions'"],
  ];
  for (const [versions, field] of cases) {
    const bad = await call(cp.url, "POST", "/v1/apps/roll/deployments", { json: { versions } });
    assert.is(bad.status, 400);
    assert.match(bad.body.message, field);
  }
  assert.is((await call(cp.url, "POST", "/v1/apps/roll/deployments", { json: { versions: [{ version: 7 }] } })).status, 404);
  assert.is((await call(cp.url, "POST", "/v1/apps/ghost/deployments", { json: { versions: [{ version: 1 }] } })).status, 404);
});

test("a newer deployment supersedes one still preparing; only the newer activates", async () => {
  await upload(cp.url, "race", "v1");
  await upload(cp.url, "race", "v2");
  const r = await region("slow", { holdAcks: true });
  const first = (await call(cp.url, "POST", "/v1/apps/race/deployments", { json: { versions: [{ version: 1 }] } })).body.deployId;
  const second = (await call(cp.url, "POST", "/v1/apps/race/deployments", { json: { versions: [{ version: 2 }] } })).body.deployId;
  assert.is((await deployment(first)).state, "superseded");
  await until(() => r.entries.filter((e) => e.t === "prepare" && e.app === "race").length === 2, 5000, "two prepares");
  await r.release();
  await until(async () => (await deployment(second)).state === "active", 5000, "second active");
  const activated = cp.store.readLog(1).filter((e) => e.t === "activate" && e.app === "race").map((e) => e.t === "activate" && e.deployId);
  assert.equal(activated, [second]);
  await stopRegion(r);
});

test.run();
