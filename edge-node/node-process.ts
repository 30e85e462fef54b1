// The edge node process's body (edge-node/main.ts starts it after turning on the compile cache):
// starts the runtime pool and the HTTP server on 127.0.0.1, serves the apps
// its region store holds, deploys the built apps named on the command line (manifest files or
// directories of them) and, given a control plane, follows it as a regional replica. Prints
// `ready http://127.0.0.1:<port>` once serving (the control plane may still be unreachable);
// SIGINT/SIGTERM drain and stop it.
//
//   node edge-node/main.ts --port 8787 --region local --threads 2 dist/ other/app.manifest.json
//   node edge-node/main.ts --port 8788 --name eu --control-plane http://127.0.0.1:8700 \
//     --region-token $OUTPOST_REGION_TOKEN --data .outpost/regions/eu
//
// --name / --region: the region's name (default "local")
// --control-plane: the control plane's URL; the node syncs apps, versions and KV from it
// --region-token: the region token (default: $OUTPOST_REGION_TOKEN)
// --data: the region store's directory (default with a control plane: .outpost/regions/<name>)
// --idle-mb: idle instance memory kept per thread before LRU eviction (default 512)
// --modules-mb: component bytes whose compiled modules stay loaded before LRU eviction (default 2048)
// --dev-triggers: open `/__outpost/scheduled?cron=` to run scheduled() by hand (development only)
import { parseArgs } from "node:util";
import { join } from "node:path";
import { formatLogLine, type LogSink } from "../runtime/logs.ts";
import { RuntimePool } from "../runtime/pool/pool.ts";
import { AppRegistry } from "./apps.ts";
import { deployFromDisk, manifestsIn } from "./local-apps.ts";
import { LogHub } from "./log-hub.ts";
import { NodeMetrics } from "./metrics.ts";
import { HttpControlPlane } from "./replica/cp-client.ts";
import { KvWriter } from "./replica/kv-writer.ts";
import { Replica } from "./replica/replica.ts";
import { restoreActive } from "./replica/restore.ts";
import { createEdgeServer } from "./server.ts";
import { startSweeping } from "./store/kv-sweep.ts";
import { RegionStore } from "./store/region-store.ts";
import type { WorkerKvOptions } from "./store/worker-kv.ts";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    port: { type: "string", default: "8787" },
    host: { type: "string", default: "127.0.0.1" },
    region: { type: "string" },
    name: { type: "string" },
    "control-plane": { type: "string" },
    "region-token": { type: "string" },
    data: { type: "string" },
    threads: { type: "string" },
    "cache-dir": { type: "string", default: join(process.cwd(), ".outpost", "cache") },
    "idle-mb": { type: "string" },
    "modules-mb": { type: "string" },
    quiet: { type: "boolean", default: false },
    "dev-triggers": { type: "boolean", default: false },
  },
});

const say = (line: string) => process.stdout.write(line + "\n");
const region = values.name ?? values.region ?? "local";
const cpUrl = values["control-plane"];
const token = values["region-token"] ?? process.env.OUTPOST_REGION_TOKEN;
if (cpUrl && !token) {
  process.stderr.write(`edge node: --control-plane ${cpUrl} needs the region token: pass --region-token <token> or set OUTPOST_REGION_TOKEN\n`);
  process.exit(2);
}
const dataDir = values.data ?? (cpUrl ? join(process.cwd(), ".outpost", "regions", region) : undefined);
const store = dataDir ? new RegionStore(dataDir) : null;
const cp = cpUrl ? new HttpControlPlane(cpUrl, token!) : null;
const kvWriter = store ? new KvWriter(store, cp) : null;
const stopSweeping = store ? startSweeping(store) : () => undefined;

const metrics = new NodeMetrics({ region });
const logs = new LogHub();
const onLog: LogSink = (line) => {
  logs.publish(line);
  if (!values.quiet || line.level === "error" || line.source === "host") process.stdout.write(formatLogLine(line) + "\n");
};
const kvOptions: WorkerKvOptions | null = store && { path: store.path, stamps: store.stamps.buffer };
const pool = new RuntimePool({
  moduleBytes: values["modules-mb"] ? Number(values["modules-mb"]) * 1024 * 1024 : undefined,
  onEvict: (app, kind) => metrics.eviction(app, kind),
  cacheDir: values["cache-dir"]!,
  threads: values.threads ? Number(values.threads) : undefined,
  idleBytesPerThread: values["idle-mb"] ? Number(values["idle-mb"]) * 1024 * 1024 : undefined,
  onLog,
  queue: cp ? { send: (queue, messages) => cp.queueSend(queue, messages) } : undefined,
  kv: kvOptions && kvWriter ? { module: new URL("./store/worker-kv.ts", import.meta.url).href, options: kvOptions, write: (w) => kvWriter.write(w) } : undefined,
});
await pool.start();
const registry = new AppRegistry(pool);
const t = performance.now();
let count = 0;
if (store) {
  const restored = await restoreActive(store, registry, say);
  if (restored) say(`restored ${restored} app(s) from the region store at seq ${store.appliedSeq}`);
  count += restored;
}
for (const path of positionals) {
  for (const manifest of await manifestsIn(path)) {
    await deployFromDisk(registry, manifest);
    count++;
  }
}
const deployMs = performance.now() - t;
let replica: Replica | null = null;
const server = createEdgeServer({
  region, registry, metrics, logs, regionToken: token, log: onLog, devTriggers: values["dev-triggers"],
  status: () => (replica ? { sync: replica.status() } : store ? { sync: { appliedSeq: store.appliedSeq, connected: false } } : {}),
});
await new Promise<void>((resolve) => server.listen(Number(values.port), values.host, () => resolve()));
const addr = server.address();
const port = typeof addr === "object" && addr ? addr.port : values.port;
process.stdout.write(`deployed ${count} app(s) in ${Math.round(deployMs)} ms\nready http://${values.host}:${port}\n`);

if (cp && store) {
  replica = new Replica({ store, apps: registry, cp, region: { name: region, url: `http://${values.host}:${port}` }, say });
  replica.start();
}

const stop = async () => {
  server.close();
  server.closeIdleConnections();
  stopSweeping();
  await replica?.stop();
  await pool.close();
  await cp?.close();
  await store?.close();
  process.exit(0);
};
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
