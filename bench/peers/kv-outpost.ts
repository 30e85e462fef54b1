// Outpost serving the kv workload. KV lives in the control plane and replicates to the regions, so the app
// runs on a region following a control plane (bench/lib/cluster.ts: one control plane and one region,
// "edge", with 2 worker threads like the other Outpost runs). Before the load: the workload's entries are
// written through the control plane's KV API (admin token), the built app is uploaded and deployed
// (deployBuilt: until the region serves it), and the region is polled with the workload's request until
// its component reads every seeded value. Stopping it stops both processes and removes their data.
import { call } from "../../testkit/http.ts";
import { deployBuilt, type BuiltApp } from "../../testkit/cluster.ts";
import { startBenchCluster } from "../lib/cluster.ts";
import { send, type Running } from "./launch.ts";
import type { RequestSpec, Workload } from "./workloads/index.ts";

function namespaceOf(app: BuiltApp, binding: string): string {
  const list = (app.manifest.kvNamespaces ?? []) as Array<{ binding: string; id: string }>;
  const ns = list.find((k) => k.binding === binding);
  if (!ns) throw new Error(`the built ${app.name} has no KV binding ${binding} (manifest kvNamespaces: ${JSON.stringify(list)})`);
  return ns.id;
}

/** Starts the control plane and the region, seeds, deploys `app` and waits for the right answer to `probe`. */
export async function startKvRegion(app: BuiltApp, w: Workload, probe: RequestSpec, timeoutMs = 60_000): Promise<Running> {
  if (!w.kv) throw new Error(`workload ${w.id} has no KV entries to seed`);
  const t0 = performance.now();
  const bench = await startBenchCluster({ prefix: "outpost-bench-peers-kv-", regions: ["edge"], threads: 2 });
  try {
    const namespace = namespaceOf(app, w.kv.binding);
    for (const [key, value] of Object.entries(w.kv.entries)) {
      const res = await call(bench.cpUrl, "PUT", `/v1/kv/${encodeURIComponent(namespace)}/${encodeURIComponent(key)}`, { body: value });
      if (res.status !== 200) throw new Error(`seeding ${namespace}/${key} at the control plane answered ${res.status}: ${JSON.stringify(res.body)}`);
    }
    await deployBuilt(bench.cluster, app);
    const region = bench.cluster.regions.edge;
    let last = "no answer yet";
    while (performance.now() - t0 < timeoutMs) {
      try {
        const [status, body] = await send(region.url, probe, 10_000);
        const wrong = status === 200 ? w.check(body) : `answered ${status}: ${body.slice(0, 200)}`;
        if (!wrong) return { origin: region.url, pid: region.proc.pid!, coldStartMs: performance.now() - t0, firstBody: body, stop: bench.stop, output: region.output };
        last = wrong;
      } catch (err) {
        last = (err as Error).message;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`the region did not read the seeded KV entries within ${timeoutMs / 1000} s (last: ${last}):\n${region.output().slice(-1500)}`);
  } catch (err) {
    await bench.stop();
    throw err;
  }
}
