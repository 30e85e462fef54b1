// One edge node in this process: the runtime pool, the HTTP server on `host:port`, the apps its
// region store holds and the built apps named in `apps`, and — given a control plane — the
// regional replica that follows it (KV writes and queue sends go to it). Used by the edge-node
// process (node-process.ts, from command-line flags) and by `outpost dev` (cli/dev/session.ts).
import { createServer, type Server } from "node:http";
import type { LogSink } from "../core/logs/line.ts";
import { EDGE_SERVER_OPTIONS } from "../core/http-server.ts";
import { RuntimePool } from "../runtime/pool/pool.ts";
import { AppRegistry } from "./apps.ts";
import { deployFromDisk, manifestsIn } from "./local-apps.ts";
import { LogHub } from "../core/logs/hub.ts";
import { NodeMetrics } from "./metrics.ts";
import { HttpControlPlane } from "./replica/cp-client.ts";
import { KvWriter } from "./replica/kv-writer.ts";
import { Replica } from "./replica/replica.ts";
import { restoreActive } from "./replica/restore.ts";
import { createEdgeHandler } from "./server.ts";
import type { DevFailure } from "./dev-error-page.ts";
import { startSweeping } from "./store/kv-sweep.ts";
import { RegionStore, type ActiveDeployment } from "./store/region-store.ts";
import { startMark } from "../core/start-trace.ts";
import type { WorkerKvOptions } from "./store/worker-kv.ts";

const MB = 1024 * 1024;

export interface EdgeNodeOptions {
  region: string;
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** The control plane's URL: the node becomes its regional replica. */
  controlPlane?: string;
  /** Required with `controlPlane`. */
  regionToken?: string;
  /** The region store's directory; without one the node has no KV and keeps nothing. */
  dataDir?: string;
  cacheDir: string;
  threads?: number;
  idleMb?: number;
  modulesMb?: number;
  /** Manifest files, or directories of them, deployed from disk at start. */
  apps?: string[];
  /** Opens `/__outpost/scheduled` (development only). */
  devTriggers?: boolean;
  /** Which of the region store's active deployments to serve at start (default all): `outpost dev` keeps only the one it just built. */
  restore?(deployment: ActiveDeployment): boolean;
  /** The failed rebuild browsers are shown instead of the app (development only; see dev-error-page.ts). */
  devFailure?(): DevFailure | null;
  /**
   * Who accepts the node's connections: "threads" (default; not on development nodes), every runtime
   * thread on the node's port with reusePort, serving the requests its routes match itself; or "main":
   * the main thread's server alone, relaying each request to a thread.
   */
  front?: "threads" | "main";
  /** Every log line of every app (after the node's own log hub has it). */
  onLog: LogSink;
  /** Progress lines (restores, sync state). */
  say(line: string): void;
}

export interface EdgeNode {
  url: string;
  port: number;
  server: Server;
  registry: AppRegistry;
  replica: Replica | null;
  /** Apps deployed at start (restored and from disk) and how long that took. */
  deployed: { count: number; ms: number };
  close(): Promise<void>;
}

export async function startEdgeNode(opts: EdgeNodeOptions): Promise<EdgeNode> {
  const { region } = opts;
  if (opts.controlPlane && !opts.regionToken) throw new Error(`edge node: --control-plane ${opts.controlPlane} needs the region token: pass --region-token <token> or set OUTPOST_REGION_TOKEN`);
  const store = opts.dataDir ? new RegionStore(opts.dataDir) : null;
  const cp = opts.controlPlane ? new HttpControlPlane(opts.controlPlane, opts.regionToken!) : null;
  const kvWriter = store ? new KvWriter(store, cp) : null;
  const stopSweeping = store ? startSweeping(store) : () => undefined;

  const metrics = new NodeMetrics({ region });
  const logs = new LogHub();
  const onLog: LogSink = (line) => { logs.publish(line); opts.onLog(line); };
  const kvOptions: WorkerKvOptions | null = store && { path: store.path, stamps: store.stamps.buffer };
  const pool = new RuntimePool({
    moduleBytes: opts.modulesMb ? opts.modulesMb * MB : undefined,
    onEvict: (app, kind) => metrics.eviction(app, kind),
    cacheDir: opts.cacheDir,
    threads: opts.threads,
    idleBytesPerThread: opts.idleMb ? opts.idleMb * MB : undefined,
    onLog,
    queue: cp ? { send: (queue, messages) => cp.queueSend(queue, messages) } : undefined,
    onServed: (records) => {
      for (const r of records) {
        metrics.request(r.app, r.status, r.seconds);
        if (r.coldStartMs !== undefined) metrics.coldStart(r.app, r.coldStartMs / 1000);
        if (r.limit) metrics.limitKill(r.app, r.limit);
      }
    },
    kv: kvOptions && kvWriter ? { module: new URL("./store/worker-kv.ts", import.meta.url).href, options: kvOptions, write: (w) => kvWriter.write(w) } : undefined,
  });
  const registry = new AppRegistry(pool);
  let replica: Replica | null = null;
  const handler = createEdgeHandler({
    region, registry, metrics, logs, regionToken: opts.regionToken, log: onLog, devTriggers: opts.devTriggers, devFailure: opts.devFailure,
    starting: () => {
      if (replica && !replica.caughtUp()) {
        const s = replica.status();
        return s.connected ? `catching up with the control plane's log: seq ${s.appliedSeq} of ${s.head ?? "?"}` : "connecting to the control plane";
      }
      return registry.everActivated ? null : "no app is live on it yet";
    },
    status: () => (replica ? { sync: replica.status() } : store ? { sync: { appliedSeq: store.appliedSeq, connected: false } } : {}),
  });
  const front = opts.front ?? (opts.devTriggers || opts.devFailure ? "main" : "threads");
  const server = createServer(EDGE_SERVER_OPTIONS, handler);
  /** With front "threads": the main thread's server for what the threads hand over, on a port of its own. */
  const inner = front === "threads" ? createServer(EDGE_SERVER_OPTIONS, handler) : null;
  let count = 0;
  let deployMs = 0;
  let port = opts.port;
  try {
    // A failure here (a bad manifest on disk, the port taken) stops what was started: no threads or handles left behind.
    // The threads boot (~200 ms: Node and our modules) while the main thread compiles what it deploys:
    // a deploy waits only for its home thread.
    const started = pool.start();
    startMark("threads-spawned");
    started.catch(() => undefined); // awaited below; a deploy meanwhile fails on its own
    const t = performance.now();
    if (store) {
      const restored = await restoreActive(store, registry, opts.say, opts.restore);
      if (restored) opts.say(`restored ${restored} app(s) from the region store at seq ${store.appliedSeq}`);
      count += restored;
    }
    for (const path of opts.apps ?? []) {
      for (const manifest of await manifestsIn(path)) {
        await deployFromDisk(registry, manifest);
        count++;
      }
    }
    await started;
    startMark("apps-deployed");
    deployMs = performance.now() - t;
    // The main thread's server listens first (with reusePort, so the threads can join it on the same
    // port); once every thread listens it stops accepting, so there is never a moment with no listener.
    port = await listenOn(server, { port: opts.port, host: opts.host, reusePort: inner !== null });
    startMark("main-listening");
    if (inner) await takeOver(server, inner, pool, port, opts);
    startMark("threads-listening");
  } catch (err) {
    stopSweeping();
    await pool.close();
    await cp?.close();
    await store?.close();
    throw err;
  }

  const url = `http://${opts.host}:${port}`;
  if (cp && store) {
    replica = new Replica({ store, apps: registry, cp, region: { name: region, url }, say: opts.say });
    replica.start();
  }

  return {
    url, port, server, registry, replica,
    deployed: { count, ms: deployMs },
    async close() {
      // Stop accepting; requests in flight get up to 5 s to finish (long-lived streams such as
      // /_outpost/logs would hold the server open forever, so they are cut after that).
      const closed = Promise.all([server, inner].map((s) => s && new Promise<void>((r) => s.close(() => r()))));
      server.closeIdleConnections();
      inner?.closeIdleConnections();
      stopSweeping();
      await replica?.stop();
      await Promise.race([closed, new Promise((r) => setTimeout(r, 5_000).unref())]);
      await pool.close();
      server.closeAllConnections(); // long-lived streams (/_outpost/logs) end with the node
      inner?.closeAllConnections();
      await cp?.close();
      await store?.close();
    },
  };
}

/** Listens; resolves with the port bound. */
function listenOn(server: Server, at: { port: number; host: string; reusePort?: boolean }): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    server.once("error", reject);
    server.listen(at, () => {
      server.off("error", reject);
      const addr = server.address();
      resolve(typeof addr === "object" && addr ? addr.port : at.port);
    });
  });
}

/**
 * Front "threads": every runtime thread joins the main server's port; then the main server stops
 * accepting (connections it has open finish there) and `inner`, on a loopback port of its own, takes
 * what the threads hand over. Where the threads cannot listen (no reusePort) the main server stays.
 */
async function takeOver(server: Server, inner: Server, pool: RuntimePool, port: number, opts: EdgeNodeOptions): Promise<void> {
  const innerPort = await listenOn(inner, { port: 0, host: "127.0.0.1" });
  try {
    await pool.listen({ host: opts.host, port, forward: `http://127.0.0.1:${innerPort}` });
  } catch (err) {
    opts.say(`the runtime threads could not listen on port ${port} (${(err as Error).message}); the main thread serves it alone`);
    return;
  }
  server.close();
}
