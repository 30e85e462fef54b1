// Child process: Vercel's edge-runtime serving a FetchEvent script (fetch-event.ts's bundle of a workload)
// through its own JS API (EdgeRuntime + runServer) without a logger, so no line is printed per request
// (its CLI logs every request). Usage: edge-runtime-server.ts <edge-runtime package dir> <script.js> <port>
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

interface EdgeRuntimeApi {
  EdgeRuntime: new (opts: { initialCode: string }) => unknown;
  runServer(opts: { runtime: unknown; port: number; host: string }): Promise<{ url: string; close(): Promise<void> }>;
}

const [pkgDir, script, port] = process.argv.slice(2);
const api = createRequire(join(pkgDir, "package.json"))(pkgDir) as EdgeRuntimeApi;
const runtime = new api.EdgeRuntime({ initialCode: readFileSync(script, "utf8") });
const server = await api.runServer({ runtime, port: Number(port), host: "127.0.0.1" });
process.once("SIGTERM", () => { void server.close().finally(() => process.exit(0)); setTimeout(() => process.exit(0), 1000).unref(); });
