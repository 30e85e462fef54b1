// Deploying again on a RuntimePool of real worker threads, with JS apps built by the real toolchain:
// a config-only redeploy (same bytes, new vars) reuses the compiled modules and the thread that
// warmed them (no recompile, no second warm-up run) and serves its own vars from a fresh instance;
// new code of a known shape is compiled and warmed; and a component whose modules were evicted is
// compiled again from the core module files written beside its shape's glue; new code on a thread that
// warmed the same engine and glue skips the warm-up run; an app deployed with `reread` writes no module
// files and is compiled again from the bytes it hands over.
import { existsSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { request } from "undici";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { buildFixture } from "../../testkit/apps.ts";
import { sha256 } from "../component.ts";
import { RuntimePool, type PoolApp } from "../pool/pool.ts";
import { tempDir } from "../../testkit/temp.ts";
import { listen } from "../../testkit/listen.ts";

type Ctx = { dir: string; e2e: Uint8Array; tenant: Uint8Array; pool: RuntimePool; server: Server; url: string; evicted: string[] };
const redeploy = suite<Ctx>("redeploying on the runtime pool");

redeploy.before(async (ctx) => {
  ctx.dir = tempDir("outpost-pool-redeploy-");
  const apps = join(ctx.dir, "apps");
  await Promise.all([buildFixture("e2e-app", apps), buildFixture("tenant-app", apps)]);
  ctx.e2e = readFileSync(join(apps, "e2e-app.wasm"));
  ctx.tenant = readFileSync(join(apps, "tenant.wasm"));
  ctx.evicted = [];
  // Room for one JS component's own bytes (its ~4 MiB data image; the engine code is shared): loading a second evicts the least recently used.
  ctx.pool = new RuntimePool({ threads: 2, cacheDir: join(ctx.dir, "cache"), onLog: () => {}, moduleBytes: 6 << 20, onEvict: (app) => ctx.evicted.push(app) });
  await ctx.pool.start();
  ctx.server = createServer((req, res) => {
    const key = decodeURIComponent(req.headers["x-key"] as string);
    void ctx.pool.serve(key, req, res);
  });
  ctx.url = (await listen(ctx.server)).url;
});

redeploy.after(async (ctx) => {
  ctx.server?.close();
  await ctx.pool?.close();
  rmSync(ctx.dir, { recursive: true, force: true });
});

async function hello(ctx: Ctx, key: string): Promise<{ greeting: string; served: number }> {
  const res = await request(`${ctx.url}/api/hello`, { headers: { "x-key": encodeURIComponent(key) } });
  assert.is(res.statusCode, 200, `${key} answered ${res.statusCode}`);
  return (await res.body.json()) as { greeting: string; served: number };
}

async function warmups(ctx: Ctx, app: PoolApp): Promise<number> {
  const { threads } = await ctx.pool.stats();
  const s = threads[app.home].apps.find((a) => a.key === app.key);
  assert.ok(s, `${app.key} is loaded on its home thread ${app.home}`);
  return s.warmups;
}

const deploy = (ctx: Ctx, version: string, bytes: Uint8Array, greeting: string) =>
  ctx.pool.deploy({ name: "e2e-app", version, bytes, vars: { GREETING: greeting, LIMITS: { max: 3 } } });

redeploy("a config-only redeploy reuses the compiled modules and the warmed thread: no recompile, no warm-up run", async (ctx) => {
  const v1 = await deploy(ctx, "v1", ctx.e2e, "one");
  // The caller's verified hash is trusted: the same hash finds the same compiled modules.
  const v2 = await ctx.pool.deploy({ name: "e2e-app", version: "v2", bytes: ctx.e2e, sha256: sha256(ctx.e2e), vars: { GREETING: "two", LIMITS: { max: 3 } } });
  assert.is(v2.spec.component.compileId, v1.spec.component.compileId, "not compiled again");
  assert.is(v2.home, v1.home, "loaded on the thread that warmed those modules");
  assert.is(await warmups(ctx, v1), 1, "the first version ran the warm-up");
  assert.is(await warmups(ctx, v2), 0, "the config-only version did not");
  const first = await hello(ctx, v2.key);
  assert.equal(first, { greeting: "two", max: 3, served: 1 }, "its own vars, from an instance that served nothing before");
  assert.is((await hello(ctx, v1.key)).greeting, "one", "the first version still serves its own vars");
});

redeploy("new code of a known shape is compiled (its core modules written for a recompile) and warmed", async (ctx) => {
  const v1 = ctx.pool.apps.find((a) => a.key === "e2e-app@v1")!;
  const v3 = await ctx.pool.deploy({ name: "tenant", version: "v3", bytes: ctx.tenant });
  assert.is.not(v3.spec.component.compileId, v1.spec.component.compileId);
  assert.is(v3.spec.component.gluePath, v1.spec.component.gluePath, "one glue module for the shape");
  assert.is(await warmups(ctx, v3), 1);
  for (const name of v3.spec.component.modules.keys()) assert.ok(existsSync(join(v3.spec.component.modulesDir, name)), `${name} is on disk`);
  assert.ok(ctx.evicted.includes("e2e-app"), `the e2e-app's modules were evicted (room for one component), evicted: ${ctx.evicted.join(", ")}`);
});

redeploy("an evicted component is compiled again from its core module files and serves", async (ctx) => {
  const v2 = ctx.pool.apps.find((a) => a.key === "e2e-app@v2")!;
  const before = v2.spec.component.compileId;
  assert.is(v2.evicted, true);
  const again = await hello(ctx, v2.key);
  assert.is(again.greeting, "two");
  assert.is.not(v2.spec.component.compileId, before, "new compiled modules");
  assert.is(v2.spec.component.modules.size, 4);
});

redeploy("new code on a thread that warmed the same engine and glue skips the warm-up run", async (ctx) => {
  const v3 = ctx.pool.apps.find((a) => a.key === "tenant@v3")!;
  const v4 = await ctx.pool.deploy({ name: "tenant", version: "v4", bytes: ctx.e2e, vars: { GREETING: "four", LIMITS: { max: 3 } } });
  assert.is(v4.home, v3.home, "the thread with fewer apps, which warmed the tenant's code");
  assert.is(v4.spec.component.warmKey, v3.spec.component.warmKey, "another app of the same toolchain: the same warm key");
  const { threads } = await ctx.pool.stats();
  const s = threads[v4.home].apps.find((a) => a.key === v4.key)!;
  assert.is(s.warmups, 0, "no throwaway run");
  assert.equal(await hello(ctx, v4.key), { greeting: "four", max: 3, served: 1 });
});

redeploy("an app deployed with `reread` writes no module files and is compiled again from the bytes it hands over", async (ctx) => {
  let rereads = 0;
  // Memory limits of their own: compiled forms no earlier test made.
  const rr = await ctx.pool.deploy({
    name: "rr", version: "v1", bytes: ctx.e2e, vars: { GREETING: "again", LIMITS: { max: 1 } }, limits: { memoryMb: 96 },
    reread: () => { rereads++; return ctx.e2e; },
  });
  assert.is(rr.reread !== undefined, true);
  await ctx.pool.deploy({ name: "other", version: "v1", bytes: ctx.tenant, limits: { memoryMb: 80 } }); // evicts rr (room for one)
  assert.is(rr.evicted, true, "evicted by the newer component");
  assert.is(rereads, 0);
  assert.equal(await hello(ctx, rr.key), { greeting: "again", max: 1, served: 1 });
  assert.is(rereads, 1, "the bytes were asked for once");
  assert.is(rr.evicted, false);
});

redeploy.run();
