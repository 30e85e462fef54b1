// Starts one control plane in this process: opens the store, loads the tokens, resumes deployments left
// preparing, serves the API on node:http; `close()` ends streams, stops the server and closes the store.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Auth, loadOrCreateToken } from "./auth.ts";
import { createApi } from "./api/router.ts";
import { DeployCoordinator } from "./deploy/coordinator.ts";
import { startEvents, type Events, type EventsOptions } from "./events/service.ts";
import { LiveRegions } from "./deploy/live-regions.ts";
import { MiB } from "./http/body.ts";
import { nodeListener } from "./http/node-adapter.ts";
import { Store } from "./store/store.ts";

export interface ControlPlaneOptions {
  dataDir: string;
  /** 0 picks a free port (default 8780). */
  port?: number;
  host?: string;
  env?: NodeJS.ProcessEnv;
  /** Default deploy deadline (30 s). */
  deadlineMs?: number;
  /** Idle ping interval of the log stream (5 s). */
  pingMs?: number;
  /** Largest version upload (64 MiB). */
  maxUploadBytes?: number;
  /** Queue delivery and cron tunables (spec/events.md). */
  events?: EventsOptions;
}

export interface ControlPlane {
  url: string;
  port: number;
  store: Store;
  adminToken: string;
  regionToken: string;
  /** Where each token came from (an env var or a file in the data dir). */
  tokenSources: { admin: string; region: string };
  /** Queues and crons. */
  events: Events;
  close(): Promise<void>;
}

export async function startControlPlane(options: ControlPlaneOptions): Promise<ControlPlane> {
  const env = options.env ?? process.env;
  const admin = loadOrCreateToken(options.dataDir, "OUTPOST_ADMIN_TOKEN", "admin-token", env);
  const region = loadOrCreateToken(options.dataDir, "OUTPOST_REGION_TOKEN", "region-token", env);
  const store = Store.open(options.dataDir);
  const live = new LiveRegions();
  const deploys = new DeployCoordinator(store, live, { deadlineMs: options.deadlineMs });
  deploys.resume();
  const events = await startEvents(store, live, region.token, options.events);
  const closing = new AbortController();
  const auth = new Auth({ adminToken: admin.token, regionToken: region.token, findAppByDigest: (d) => store.apps.findByTokenDigest(d) });
  const handle = createApi({
    store, auth, live, deploys, regionToken: region.token, closing: closing.signal,
    pingMs: options.pingMs ?? 5000, maxUploadBytes: options.maxUploadBytes ?? 64 * MiB, events,
  });
  const server = createServer({ keepAliveTimeout: 10_000, requestTimeout: 0 }, nodeListener(handle));
  const host = options.host ?? "127.0.0.1";
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.port ?? 8780, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (e) {
    // Not listening (e.g. the port is taken): stop what started, or its timers keep the process alive.
    await deploys.close();
    await events.close();
    await store.close();
    throw e;
  }
  const port = (server.address() as AddressInfo).port;
  let closed: Promise<void> | null = null;
  return {
    url: `http://${host}:${port}`,
    port,
    store,
    adminToken: admin.token,
    regionToken: region.token,
    tokenSources: { admin: admin.source, region: region.source },
    events,
    close() {
      closed ??= (async () => {
        await deploys.close();
        await events.close();
        closing.abort();
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        const force = setTimeout(() => server.closeAllConnections(), 2000);
        await stopped;
        clearTimeout(force);
        await store.close();
      })();
      return closed;
    },
  };
}
