// End to end: an edge node with small caches (idle instance memory and compiled modules) serving
// two JS apps of different code; apps keep answering as their compiled modules and idle instances
// are evicted by LRU and rebuilt on demand, and the metrics count the evictions.
import { rmSync } from "node:fs";
import { join } from "node:path";
import { request } from "undici";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { buildFixture } from "../../testkit/apps.ts";
import { ROOT } from "../../testkit/paths.ts";
import { startNode, type Running } from "../../testkit/process.ts";
import { eventually } from "../../testkit/wait.ts";
import { tempDir } from "../../testkit/temp.ts";

const eviction = suite<{ node: Running; dir: string }>("LRU eviction of modules and idle instances");

eviction.before(async (ctx) => {
  ctx.dir = tempDir("outpost-evict-");
  const apps = join(ctx.dir, "apps");
  await Promise.all([buildFixture("tenant-app", apps), buildFixture("e2e-app", apps)]);
  // The module budget counts what a component alone keeps loaded: a JS app's ~4.3 MB data image (the
  // engine code is shared), so 6 MB holds one; 40 MB of idle instances a few.
  ctx.node = await startNode(["--port", "0", "--threads", "1", "--modules-mb", "6", "--idle-mb", "40", "--cache-dir", join(ctx.dir, "cache"), apps], { cwd: ROOT });
});

eviction.after(async (ctx) => {
  await ctx.node?.stop();
  rmSync(ctx.dir, { recursive: true, force: true });
});

eviction("both apps answer while evicting each other's modules", async ({ node }) => {
  for (let round = 0; round < 3; round++) {
    const tenant = await request(`${node.url}/t${round}`, { headers: { host: "anything.test" } });
    assert.is(tenant.statusCode, 200);
    assert.equal(await tenant.body.json(), { tenant: "template", path: `/t${round}` });
    const e2e = await request(`${node.url}/api/hello`);
    assert.is(e2e.statusCode, 200);
    assert.is(((await e2e.body.json()) as { greeting: string }).greeting, "hello");
  }
});

eviction("concurrent requests need more instances than the idle budget keeps", async ({ node }) => {
  const all = await Promise.all(Array.from({ length: 12 }, (_, i) => request(`${node.url}/api/slow?ms=40&id=${i}`)));
  for (const [i, r] of all.entries()) assert.equal(await r.body.json(), { id: String(i) });
});

eviction("metrics count module and instance evictions", async ({ node }) => {
  // Instances over the idle budget are trimmed as they come back to the pool, which may be just after
  // their answers were sent: read the metrics until the count shows (on a busy machine it can lag).
  let text = "";
  const module = /outpost_evictions_total\{app="(tenant|e2e-app)",region="local",kind="module"\} [1-9]/;
  const instance = /outpost_evictions_total\{app="e2e-app",region="local",kind="instance"\} [1-9]/;
  await eventually("instance evictions in the metrics", async () => {
    text = await (await request(`${node.url}/_outpost/metrics`)).body.text();
    return instance.test(text);
  }, 5_000).catch(() => {});
  assert.match(text, module);
  assert.match(text, instance);
});

eviction.run();
