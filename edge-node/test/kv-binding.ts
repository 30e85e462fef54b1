// Test helper for the KV binding end-to-end tests: a control plane and one region (real processes)
// serving the kv-binding-app fixture, and `kv()`, which runs KV operations inside one invocation of
// the component and answers what each resolved to (described with its JS type) or threw.
import { join } from "node:path";
import { request } from "undici";
import * as assert from "uvu/assert";
import { buildApp, Cluster, deployBuilt } from "../../testkit/cluster.ts";

/** The fixture's namespace id (`<app>-<binding>`). */
export const NS = "kv-binding-app-STORE";

export interface KvCtx { cluster: Cluster; url: string }

/** Builds the fixture, starts the cluster (one region, `eu`) and deploys the fixture to it. */
export async function startKvBindingApp(ctx: KvCtx, prefix: string): Promise<void> {
  ctx.cluster = new Cluster({ prefix, regions: ["eu"], nodeArgs: ["--quiet"] });
  const [app] = await Promise.all([buildApp("kv-binding-app", join(ctx.cluster.dir, "apps")), ctx.cluster.start()]);
  await deployBuilt(ctx.cluster, app);
  ctx.url = `${ctx.cluster.regions.eu.url}/kv`;
}

export type Outcome = { result?: any; threw?: { error: boolean; name: string; message: string } };

/** Runs KV operations in one invocation of the component; one outcome per operation. */
export async function kv(ctx: KvCtx, ops: object[]): Promise<Outcome[]> {
  const res = await request(ctx.url, { method: "POST", body: JSON.stringify(ops), headersTimeout: 60_000, bodyTimeout: 60_000 });
  const text = await res.body.text();
  assert.is(res.statusCode, 200, text);
  return JSON.parse(text) as Outcome[];
}

/** The single result of one operation, which must not have thrown. */
export async function one(ctx: KvCtx, op: object): Promise<any> {
  const [o] = await kv(ctx, [op]);
  assert.not.ok(o.threw, `${JSON.stringify(op)} threw ${JSON.stringify(o.threw)}`);
  return o.result;
}

/** How the fixture describes a string result. */
export const text = (t: string) => ({ kind: "string", text: t });
