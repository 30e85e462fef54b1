// End to end: 100 JS apps (one build, deployed under 100 names, routes and vars) on one real
// edge-node process; every app answers with its own config, also when requests spread across
// all of them at once, and the node's health and metrics list them all.
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { request } from "undici";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { parseRoutePattern } from "../../core/config/routes.ts";
import { buildFixture } from "../../testkit/apps.ts";
import { ROOT } from "../../testkit/paths.ts";
import { startNode, type Running } from "../../testkit/process.ts";
import { tempDir } from "../../testkit/temp.ts";

const APPS = 100;
const density = suite<{ node: Running; dir: string }>(`${APPS} apps on one edge node`);

density.before(async (ctx) => {
  ctx.dir = tempDir("outpost-density-");
  const built = join(ctx.dir, "built");
  await buildFixture("tenant-app", built);
  const template = JSON.parse(readFileSync(join(built, "tenant.manifest.json"), "utf8"));
  const apps = join(ctx.dir, "apps");
  mkdirSync(apps);
  for (let i = 0; i < APPS; i++) {
    const name = `tenant-${i}`;
    const parsed = parseRoutePattern(`${name}.test/*`);
    if ("error" in parsed) throw new Error(parsed.error);
    writeFileSync(join(apps, `${name}.manifest.json`), JSON.stringify({ ...template, name, vars: { TENANT: String(i) }, routes: [parsed.route] }));
    symlinkSync(join(built, "tenant.wasm"), join(apps, `${name}.wasm`));
  }
  ctx.node = await startNode(["--port", "0", "--threads", "2", "--quiet", "--cache-dir", join(ctx.dir, "cache"), apps], { cwd: ROOT, timeoutMs: 300_000 });
});

density.after(async (ctx) => {
  await ctx.node?.stop();
  rmSync(ctx.dir, { recursive: true, force: true });
});

async function ask(node: Running, i: number): Promise<{ status: number; tenant?: string }> {
  const res = await request(`${node.url}/hello`, { headers: { host: `tenant-${i}.test` } });
  const body = (await res.body.json()) as { tenant?: string };
  return { status: res.statusCode, tenant: body.tenant };
}

density("every app answers with its own vars", async ({ node }) => {
  for (let i = 0; i < APPS; i++) assert.equal(await ask(node, i), { status: 200, tenant: String(i) });
});

density("requests spread across all apps at once", async ({ node }) => {
  const order = Array.from({ length: APPS * 2 }, (_, k) => (k * 37) % APPS);
  const results = await Promise.all(order.map((i) => ask(node, i)));
  results.forEach((r, k) => assert.equal(r, { status: 200, tenant: String(order[k]) }));
});

density("health and metrics list every app", async ({ node }) => {
  const health = (await (await request(`${node.url}/_outpost/health`)).body.json()) as { apps: unknown[] };
  assert.is(health.apps.length, APPS);
  const metrics = await (await request(`${node.url}/_outpost/metrics`)).body.text();
  for (let i = 0; i < APPS; i++) assert.ok(metrics.includes(`outpost_requests_total{app="tenant-${i}",region="local",class="2xx"} 3`), `tenant-${i} counted 3 requests`);
});

density.run();
