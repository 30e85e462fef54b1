// End to end with one control plane and three edge regions as separate processes, under faults: a
// region killed (SIGKILL) during a deploy comes back on its data dir, converges to the newest version
// and never answers with a version older than one it served; the control plane stopped (SIGTERM) and
// started again keeps every acknowledged version and KV write; an artifact corrupted in the control
// plane's store (hash mismatch) is refused by every region, which keeps serving what it served.
import { createHash } from "node:crypto";
import { join } from "node:path";
import { request } from "undici";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { Store } from "../../control-plane/store/store.ts";
import { call, get } from "../../testkit/http.ts";
import { buildApp, Cluster, deployVersion, release, upload, watchReleases, type BuiltApp } from "../../testkit/cluster.ts";
import { eventually } from "../../testkit/wait.ts";
import type { Running } from "../../testkit/process.ts";

const NS = "kv-app-STORE";
interface Ctx { cluster: Cluster; app: BuiltApp }
const faults = suite<Ctx>("three regions and a control plane, under faults");

faults.before(async (ctx) => {
  ctx.cluster = new Cluster({ prefix: "outpost-faults-" });
  ctx.app = await buildApp("kv-app", join(ctx.cluster.dir, "apps"));
  await ctx.cluster.start();
  await deploy(ctx, await upload(ctx.cluster.cp.url, ctx.app, { RELEASE: "a" }));
  await allServe(ctx, "a");
});

faults.after(async (ctx) => { await ctx.cluster?.stop(); });

const allServe = (ctx: Ctx, want: string, nodes: Running[] = ctx.cluster.nodes) =>
  Promise.all(nodes.map((n) => eventually(`${n.url} serves release ${want}`, async () => (await release(n)) === want, 20_000)));

const deploy = (ctx: Ctx, version: number, wait = true) => deployVersion(ctx.cluster.cp.url, "kv-app", version, wait);

/** Until every region holds a log stream to the control plane and has applied all of it. */
const allCaughtUp = (ctx: Ctx) =>
  eventually("every region connected with lag 0", async () => {
    const s = (await call(ctx.cluster.cp.url, "GET", "/v1/status")).body;
    return s.regions.length === 3 && s.regions.every((r: { connected: boolean; lag: number }) => r.connected && r.lag === 0);
  }, 20_000);


faults("a region killed during a deploy comes back, converges, and never serves an older version", async (ctx) => {
  const { cluster } = ctx;
  const ap = cluster.regions.ap;
  const order = ["a", "b", "c"];
  const watcher = watchReleases(() => cluster.regions.ap.url);
  await eventually("the watcher sees release a", async () => watcher.seen.includes("a"), 5_000);

  const vb = await upload(cluster.cp.url, ctx.app, { RELEASE: "b" });
  const db = await deploy(ctx, vb, false); // `prepare` is appended: the regions are fetching and loading it
  await Cluster.kill(ap);
  // The deploy does not wait for the dead region: it activates with the live ones, well before its deadline.
  await eventually("deployment b active", async () => (await call(cluster.cp.url, "GET", `/v1/deployments/${db.deployId}`)).body.state === "active", 20_000);
  const after = (await call(cluster.cp.url, "GET", `/v1/deployments/${db.deployId}`)).body;
  assert.equal(after.timedOut, [], JSON.stringify(after));
  await allServe(ctx, "b", [cluster.regions.eu, cluster.regions.us]);
  // A second deploy while ap is down.
  const dc = await deploy(ctx, await upload(cluster.cp.url, ctx.app, { RELEASE: "c" }));
  assert.is(dc.state, "active");
  await allServe(ctx, "c", [cluster.regions.eu, cluster.regions.us]);

  const restarted = await cluster.startRegion("ap"); // same --data, same port
  assert.is(restarted.url, ap.url);
  await allServe(ctx, "c", [restarted]);
  const mark = watcher.seen.length;
  await eventually("a few answers after converging", async () => watcher.seen.length >= mark + 20, 5_000);
  const seen = await watcher.stop();

  assert.match(restarted.output(), /sync: region ap at seq \d+, connecting/);
  const ranks = seen.map((r) => order.indexOf(r));
  assert.ok(!ranks.includes(-1), `ap answered with something other than a, b or c: ${[...new Set(seen)].join(", ")}`);
  for (let i = 1; i < ranks.length; i++) {
    assert.ok(ranks[i] >= ranks[i - 1], `ap went back from ${seen[i - 1]} to ${seen[i]} (answers ${i - 1}, ${i} of ${seen.length})`);
  }
  assert.is(seen.at(-1), "c");
  await allCaughtUp(ctx);
});

faults("the control plane restarted keeps every acknowledged version and KV write", async (ctx) => {
  const { cluster } = ctx;
  const cp = cluster.cp.url;
  const vd = await upload(cp, ctx.app, { RELEASE: "d" }); // acknowledged, never deployed
  const before = (await call(cp, "GET", "/v1/apps/kv-app/versions")).body;
  const put = await request(`${cluster.regions.eu.url}/kv/put?key=from-eu`, { method: "PUT", body: "component write" });
  assert.is(put.statusCode, 200, await put.body.text());
  // 40 writes at once; SIGTERM as soon as the first is acknowledged. Every acknowledged one must survive.
  const acked = new Map<string, string>();
  let firstAck!: () => void;
  const first = new Promise<void>((r) => (firstAck = r));
  const writes = Array.from({ length: 40 }, async (_, i) => {
    try {
      const res = await call(cp, "PUT", `/v1/kv/${NS}/burst-${i}`, { body: `value ${i}` });
      if (res.status === 200) { acked.set(`burst-${i}`, `value ${i}`); firstAck(); }
    } catch { /* cut off by the shutdown: not acknowledged */ }
  });
  await Promise.race([first, Promise.all(writes)]);
  await cluster.cp.stop();
  await Promise.all(writes);
  assert.ok(acked.size > 0);

  await cluster.startCp(); // same --data, same port
  const now = (await call(cp, "GET", "/v1/apps/kv-app/versions")).body;
  assert.equal(now.versions, before.versions);
  assert.equal(now.deployment, before.deployment);
  assert.ok(now.versions.some((v: { version: number }) => v.version === vd));
  acked.set("from-eu", "component write");
  for (const [key, value] of acked) {
    const res = await call(cp, "GET", `/v1/kv/${NS}/${key}`);
    assert.is(res.status, 200, `${key} through the API after the restart`);
    assert.is(res.bytes.toString(), value);
  }
  // Through the component in a region (reconnected to the restarted control plane): the old writes and a new one.
  const ap = cluster.regions.ap;
  for (const [key, value] of acked) {
    await eventually(`ap reads ${key}`, async () => (await get(`${ap.url}/kv/get?key=${key}`)).body?.value === value, 10_000);
  }
  assert.is((await call(cp, "PUT", `/v1/kv/${NS}/after-restart`, { body: "new" })).status, 200);
  for (const n of cluster.nodes) await eventually(`${n.url} reads a write made after the restart`, async () => (await get(`${n.url}/kv/get?key=after-restart`)).body?.value === "new", 15_000);
});

/** The component with a custom section appended: a valid component with other bytes, so another sha256. */
function withCustomSection(wasm: Buffer, name: string, payload: Buffer): Buffer {
  const leb = (n: number) => { const out: number[] = []; do { let b = n & 0x7f; n >>>= 7; if (n) b |= 0x80; out.push(b); } while (n); return Buffer.from(out); };
  const content = Buffer.concat([leb(Buffer.byteLength(name)), Buffer.from(name), payload]);
  return Buffer.concat([wasm, Buffer.from([0]), leb(content.length), content]);
}

faults("an artifact corrupted in the control plane's store is refused by every region", async (ctx) => {
  const { cluster } = ctx;
  const serving = await release(cluster.regions.eu);
  const { deployment } = (await call(cluster.cp.url, "GET", "/v1/apps/kv-app")).body;
  const component = withCustomSection(ctx.app.component, "outpost-test", Buffer.from("untouched"));
  const sha256 = createHash("sha256").update(component).digest("hex");
  const manifest = { ...ctx.app.manifest, sha256, size: component.length, vars: { RELEASE: "tampered" } };
  // With the control plane stopped, its own store code records the version with the artifact's bytes
  // flipped: same size, other hash. (Uploaded while they follow, regions would fetch and verify it at once.)
  await cluster.cp.stop();
  const store = Store.open(cluster.cpData);
  const stored = Buffer.from(component);
  stored.write("tampered!", stored.length - "untouched".length);
  const up = { body: (await store.apps.putVersion("kv-app", manifest as never, stored, sha256)).record };
  assert.is(store.apps.artifact(sha256)!.length, component.length);
  await store.close();
  await cluster.startCp();
  await allCaughtUp(ctx); // all three live again: the deploy must wait for their acks

  const res = await call(cluster.cp.url, "POST", "/v1/apps/kv-app/deployments", { json: { versions: [{ version: up.body.version }], wait: true } });
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.is(res.body.state, "failed");
  assert.is(res.body.activateSeq, null, "no activate entry");
  assert.match(res.body.error, /region '(eu|us|ap)' refused it: .*artifact hash mismatch: expected sha256 [0-9a-f]{64}, received \d+ bytes with sha256/);
  await eventually("all three regions refused it", async () => {
    const d = (await call(cluster.cp.url, "GET", `/v1/deployments/${res.body.deployId}`)).body;
    return d.regions.every((r: { state: string; error?: string }) => r.state === "failed" && /hash mismatch/.test(r.error ?? ""));
  }, 15_000);
  for (const n of cluster.nodes) {
    assert.is(await release(n), serving, `${n.url} still serves ${serving}`);
    assert.match(n.output(), /prepare kv-app v\d+ .*REFUSED: kv-app version \d+: artifact hash mismatch/);
  }
  assert.equal((await call(cluster.cp.url, "GET", "/v1/apps/kv-app")).body.deployment, deployment, "the app's deployment is unchanged");
  // The regions are not wedged: the next good deploy reaches all three.
  await deploy(ctx, await upload(cluster.cp.url, ctx.app, { RELEASE: "e" }));
  await allServe(ctx, "e");
});

faults.run();
