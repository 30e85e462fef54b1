// The edge node process's body (edge-node/main.js starts it after turning on the compile cache):
// reads the flags and starts one edge node (node.ts): the runtime pool and the HTTP server on
// 127.0.0.1, the apps its region store holds, deploys the built apps named on the command line (manifest files or
// directories of them) and, given a control plane, follows it as a regional replica. Prints
// `ready http://127.0.0.1:<port>` once serving (the control plane may still be unreachable);
// SIGINT/SIGTERM drain and stop it.
//
//   node edge-node/main.js --port 8787 --region local --threads 2 dist/ other/app.manifest.json
//   node edge-node/main.js --port 8788 --name eu --control-plane http://127.0.0.1:8700 \
//     --region-token $OUTPOST_REGION_TOKEN --data .outpost/regions/eu
//
// --name / --region: the region's name (default "local")
// --control-plane: the control plane's URL; the node syncs apps, versions and KV from it
// --region-token: the region token (default: $OUTPOST_REGION_TOKEN)
// --data: the region store's directory (default with a control plane: .outpost/regions/<name>)
// --idle-mb: idle instance memory kept per thread before LRU eviction (default 512)
// --modules-mb: bytes components keep loaded alone (data images, modules not shared) before LRU eviction (default 2048)
// --dev-triggers: open `/__outpost/scheduled?cron=` to run scheduled() by hand (development only)
// --front threads|main: who accepts connections: every runtime thread on the port (default), or the
//   main thread alone, relaying each request to a thread (the default with --dev-triggers)
import { parseArgs } from "node:util";
import { join } from "node:path";
import { formatLogLine } from "../core/logs/line.ts";
import { startEdgeNode } from "./node.ts";
import { startMark } from "../core/start-trace.ts";

startMark("modules-loaded");

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
    front: { type: "string" },
  },
});
if (values.front !== undefined && values.front !== "threads" && values.front !== "main") {
  process.stderr.write(`edge node: --front must be "threads" or "main", got "${values.front}"\n`);
  process.exit(2);
}

const say = (line: string) => process.stdout.write(line + "\n");
const region = values.name ?? values.region ?? "local";
const cpUrl = values["control-plane"];
const token = values["region-token"] ?? process.env.OUTPOST_REGION_TOKEN;
if (cpUrl && !token) {
  process.stderr.write(`edge node: --control-plane ${cpUrl} needs the region token: pass --region-token <token> or set OUTPOST_REGION_TOKEN\n`);
  process.exit(2);
}

const node = await startEdgeNode({
  region,
  host: values.host!,
  port: Number(values.port),
  controlPlane: cpUrl,
  regionToken: token,
  dataDir: values.data ?? (cpUrl ? join(process.cwd(), ".outpost", "regions", region) : undefined),
  cacheDir: values["cache-dir"]!,
  threads: values.threads ? Number(values.threads) : undefined,
  idleMb: values["idle-mb"] ? Number(values["idle-mb"]) : undefined,
  modulesMb: values["modules-mb"] ? Number(values["modules-mb"]) : undefined,
  apps: positionals,
  devTriggers: values["dev-triggers"],
  front: values.front as "threads" | "main" | undefined,
  onLog: (line) => {
    if (!values.quiet || line.level === "error" || line.source === "host") process.stdout.write(formatLogLine(line) + "\n");
  },
  say,
});
process.stdout.write(`deployed ${node.deployed.count} app(s) in ${Math.round(node.deployed.ms)} ms\nready ${node.url}\n`);

const stop = async () => {
  await node.close();
  process.exit(0);
};
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
