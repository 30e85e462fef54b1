// Child process: a node:http server on 127.0.0.1 (random port) in front of one component, announced
// with one JSON line {"port": N}.
//   reuse: ComponentApp.serve, the runtime's pool (one warm instance; more only under concurrency).
//   fresh: a new Instance for every request, then dropped (what "new instance → first response" costs over HTTP).
// GET /__bench/stats answers the instance counts. Stops on SIGTERM.
// usage: server-child.ts reuse|fresh COMPONENT CACHE_DIR NAME VARS_JSON
import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { ComponentApp } from "../../runtime/app.ts";
import { compileComponent } from "../../runtime/component.ts";
import { Instance } from "../../runtime/instance.ts";
import { instanceOptions } from "./instance-options.ts";
import { serveOnce } from "./serve-once.ts";

const [mode, componentPath, cacheDir, name, varsJson] = process.argv.slice(2);
if ((mode !== "reuse" && mode !== "fresh") || !componentPath || !cacheDir || !name || !varsJson) {
  process.stderr.write("usage: server-child.ts reuse|fresh COMPONENT CACHE_DIR NAME VARS_JSON\n");
  process.exit(2);
}
const bytes = new Uint8Array(await readFile(componentPath));
const vars = JSON.parse(varsJson) as Record<string, unknown>;
let fresh = 0;

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;
let handler: Handler;
let stats: () => unknown;
if (mode === "reuse") {
  const app = await ComponentApp.load(bytes, { name, vars, onLog: () => {}, cacheDir });
  await app.warm();
  handler = async (req, res) => { await app.serve(req, res); };
  stats = () => app.stats;
} else {
  const component = await compileComponent(bytes, { cacheDir });
  const opts = instanceOptions(name, vars);
  handler = async (req, res) => {
    try {
      const inst = await Instance.create(component, opts);
      fresh++;
      await serveOnce(inst, req, res);
    } catch (err) {
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end(`bench server: ${(err as Error).message}\n`);
    }
  };
  stats = () => ({ instancesCreated: fresh });
}

const server = createServer((req, res) => {
  if (req.url === "/__bench/stats") {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify(stats()));
    return;
  }
  void handler(req, res);
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => {
  const addr = server.address();
  process.stdout.write(JSON.stringify({ port: typeof addr === "object" && addr ? addr.port : 0 }) + "\n");
});
process.on("SIGTERM", () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
