// An edge node process: starts the runtime pool and the HTTP server on 127.0.0.1 and deploys the
// built apps named on the command line (manifest files or directories of them). Prints
// `ready http://127.0.0.1:<port>` once serving; SIGINT/SIGTERM drain and stop it.
//
//   node edge-node/main.ts --port 8787 --region local --threads 2 dist/ other/app.manifest.json
//
// --idle-mb: idle instance memory kept per thread before LRU eviction (default 512)
// --modules-mb: component bytes whose compiled modules stay loaded before LRU eviction (default 2048)
import { parseArgs } from "node:util";
import { join } from "node:path";
import { formatLogLine } from "../runtime/logs.ts";
import { RuntimePool } from "../runtime/pool/pool.ts";
import { AppRegistry } from "./apps.ts";
import { deployFromDisk, manifestsIn } from "./local-apps.ts";
import { NodeMetrics } from "./metrics.ts";
import { createEdgeServer } from "./server.ts";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    port: { type: "string", default: "8787" },
    host: { type: "string", default: "127.0.0.1" },
    region: { type: "string", default: "local" },
    threads: { type: "string" },
    "cache-dir": { type: "string", default: join(process.cwd(), ".outpost", "cache") },
    "idle-mb": { type: "string" },
    "modules-mb": { type: "string" },
    quiet: { type: "boolean", default: false },
  },
});

const metrics = new NodeMetrics({ region: values.region! });
const pool = new RuntimePool({
  moduleBytes: values["modules-mb"] ? Number(values["modules-mb"]) * 1024 * 1024 : undefined,
  onEvict: (app, kind) => metrics.eviction(app, kind),
  cacheDir: values["cache-dir"]!,
  threads: values.threads ? Number(values.threads) : undefined,
  idleBytesPerThread: values["idle-mb"] ? Number(values["idle-mb"]) * 1024 * 1024 : undefined,
  onLog: (line) => { if (!values.quiet || line.level === "error" || line.source === "host") process.stdout.write(formatLogLine(line) + "\n"); },
});
await pool.start();
const registry = new AppRegistry(pool);
const t = performance.now();
let count = 0;
for (const path of positionals) {
  for (const manifest of await manifestsIn(path)) {
    await deployFromDisk(registry, manifest);
    count++;
  }
}
const deployMs = performance.now() - t;
const server = createEdgeServer({ region: values.region!, registry, metrics });
await new Promise<void>((resolve) => server.listen(Number(values.port), values.host, () => resolve()));
const addr = server.address();
const port = typeof addr === "object" && addr ? addr.port : values.port;
process.stdout.write(`deployed ${count} app(s) in ${Math.round(deployMs)} ms\nready http://${values.host}:${port}\n`);

const stop = async () => {
  server.close();
  server.closeIdleConnections();
  await pool.close();
  process.exit(0);
};
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
