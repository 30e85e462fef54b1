// End to end: one real edge-node process serving a JS app that breaks each limit, a well-behaved
// JS neighbour and the C example, over HTTP. Checks that limits from the config are enforced
// (CPU, memory, wall time, subrequests, body sizes), that a runaway guest is stopped while the
// neighbours keep answering, that a trapping instance is replaced, and that metrics count it all.
import { rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { request } from "undici";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { buildFixture, packageCExample } from "../../testkit/apps.ts";
import { ROOT } from "../../testkit/paths.ts";
import { startNode, type Running } from "../../testkit/process.ts";
import { tempDir } from "../../testkit/temp.ts";
import { listen } from "../../testkit/listen.ts";

type Ctx = { node: Running; dir: string; upstream: Server; upstreamUrl: string };
const limits = suite<Ctx>("runtime limits on an edge node");

async function get(node: Running, host: string, path: string, init: { method?: string; body?: Uint8Array | string } = {}) {
  try {
    const res = await request(`${node.url}${path}`, { headers: { host }, method: (init.method ?? "GET") as "GET", body: init.body });
    const text = await res.body.text().catch((err: Error) => `<body error: ${err.message}>`);
    return { status: res.statusCode, headers: res.headers, text };
  } catch (err) {
    return { status: 0, headers: {}, text: `<request error: ${(err as Error).message}>` }; // the connection was reset
  }
}

limits.before(async (ctx) => {
  ctx.dir = tempDir("outpost-limits-");
  const apps = join(ctx.dir, "apps");
  await Promise.all([buildFixture("limits-app", apps), buildFixture("e2e-app", apps), packageCExample(apps)]);
  ctx.upstream = createServer((_req, res) => res.end("up"));
  ctx.upstreamUrl = `${(await listen(ctx.upstream)).url}/`;
  ctx.node = await startNode(["--port", "0", "--threads", "2", "--cache-dir", join(ctx.dir, "cache"), apps], { cwd: ROOT });
});

limits.after(async (ctx) => {
  await ctx.node?.stop();
  ctx.upstream?.close();
  rmSync(ctx.dir, { recursive: true, force: true });
});

limits("all three apps answer", async ({ node }) => {
  assert.equal(JSON.parse((await get(node, "limits.test", "/ok")).text).ok, true);
  assert.is((await get(node, "127.0.0.1", "/api/hello")).status, 200);
  const c = await get(node, "c.test", "/hi?x=1");
  assert.equal(JSON.parse(c.text), { lang: "c", path: "/hi?x=1", method: "GET" });
});

limits("an infinite loop is stopped at its CPU limit while other apps keep answering", async ({ node }) => {
  const t = performance.now();
  const loop = get(node, "limits.test", "/loop");
  const neighbours: Array<Promise<{ status: number }>> = [];
  for (let i = 0; i < 20; i++) {
    neighbours.push(get(node, i % 2 ? "c.test" : "127.0.0.1", i % 2 ? `/c${i}` : "/api/hello"));
    await new Promise((r) => setTimeout(r, 10));
  }
  const stopped = await loop;
  const ms = performance.now() - t;
  assert.is(stopped.status, 503);
  assert.match(stopped.text, /CPU limit/);
  assert.ok(ms < 2_000, `the loop was stopped after ${Math.round(ms)} ms`);
  for (const n of await Promise.all(neighbours)) assert.is(n.status, 200);
  assert.is((await get(node, "limits.test", "/ok")).status, 200, "the app serves again after its thread was replaced");
});

limits("CPU spent in many short slices also counts", async ({ node }) => {
  // 30 rounds of 10 ms spins: well over 50 ms of CPU even when the machine halves the thread's share.
  const burned = await get(node, "limits.test", "/burn?n=30");
  assert.is(burned.status, 503);
  assert.match(burned.text, /CPU limit/);
  assert.is((await get(node, "limits.test", "/burn?n=2")).status, 200);
});

limits("a memory bomb is stopped and the next request succeeds", async ({ node }) => {
  const bomb = await get(node, "limits.test", "/bomb");
  assert.ok(bomb.status >= 500, `status ${bomb.status}`);
  const ok = await get(node, "limits.test", "/ok");
  assert.is(ok.status, 200);
  assert.is(JSON.parse(ok.text).hoarded, 0, "a fresh instance answered");
});

limits("a trapping instance is replaced", async ({ node }) => {
  const trap = await get(node, "c.test", "/trap");
  assert.is(trap.status, 500);
  for (let i = 0; i < 3; i++) assert.is((await get(node, "c.test", `/after${i}`)).status, 200);
});

limits("wall time, subrequests and body sizes follow the config", async ({ node, upstreamUrl }) => {
  assert.is((await get(node, "limits.test", "/sleep?n=1500")).status, 504);
  assert.is((await get(node, "limits.test", "/sleep?n=10")).status, 200);
  const fetched = JSON.parse((await get(node, "limits.test", `/fetch?n=3&u=${encodeURIComponent(upstreamUrl)}`)).text) as string[];
  assert.equal(fetched.slice(0, 2), ["200", "200"]);
  assert.match(fetched[2], /^error/);
  const big = await get(node, "limits.test", "/echo", { method: "POST", body: new Uint8Array(2 * 1024 * 1024) });
  assert.is(big.status, 413);
  const small = await get(node, "limits.test", "/echo", { method: "POST", body: "hello" });
  assert.is(small.text, "hello");
  const huge = await get(node, "limits.test", "/big?n=2");
  assert.ok(huge.status !== 200 || huge.text.length < 2 * 1024 * 1024, "a 2 MiB response over a 1 MiB limit is not delivered whole");
});

limits("metrics count requests, limit kills and instances per app", async ({ node }) => {
  const text = (await get(node, "127.0.0.1", "/_outpost/metrics")).text;
  assert.match(text, /outpost_requests_total\{app="limits",region="local",class="2xx"\} \d+/);
  assert.match(text, /outpost_limit_kills_total\{app="limits",region="local",limit="cpu"\} [1-9]/);
  assert.match(text, /outpost_limit_kills_total\{app="limits",region="local",limit="wall"\} [1-9]/);
  assert.match(text, /outpost_requests_total\{app="c-hello-test",region="local",class="5xx"\} [1-9]/);
  assert.match(text, /outpost_instances_live\{app="e2e-app",region="local"\} \d+/);
  assert.match(text, /outpost_request_duration_seconds_bucket\{app="limits",region="local",le="\+Inf"\} \d+/);
});

limits.run();
