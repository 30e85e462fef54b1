// A worker thread's own listener on the node's port (reusePort: the kernel spreads connections over the
// threads), so a request goes from the socket to the guest on one thread, with no relay through the
// main thread. It routes by the table the pool sends (each app's routes and versions, drawn by
// percent), serves the version on this thread (asking the pool to load it here first when it is not),
// and forwards everything else (the node's /_outpost/ endpoints, a request no route here matches) to
// the main thread's server, which has the whole picture (a route on its way: 503 while starting, never
// a wrong 404). What it served goes to the node's metrics in batches.
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { Server as NetServer } from "node:net";
import { drawByPercent } from "../../core/largest-share.ts";
import { EDGE_SERVER_OPTIONS } from "../../core/http-server.ts";
import { RouteTable } from "../../core/config/route-table.ts";
import type { ComponentApp } from "../app.ts";
import { hostError } from "../http-host.ts";
import { forwardRequest } from "./forward.ts";
import { MARK, RequestTrace, TRACING } from "../request-trace.ts";
import type { FrontApp, FrontListen, ServedRecord } from "./protocol.ts";

const FLUSH_MS = 100;
/** With OUTPOST_TRACE_REQUESTS=1: when each connection was accepted. */
const acceptedAt = new WeakMap<object, number>();
const FLUSH_RECORDS = 512;

export interface FrontHost {
  /** The app version, loaded on this thread (asking the pool for it if needed). */
  app(key: string): ComponentApp | Promise<ComponentApp>;
  /** Records of served requests, for the main thread. */
  served(records: ServedRecord[]): void;
}

/** Paths the main thread answers: the node's own endpoints. */
const isNodePath = (path: string) => path.startsWith("/_outpost/") || path.startsWith("/__outpost/");

export class WorkerFront {
  #host: FrontHost;
  #server: Server | null = null;
  #forward = "";
  #routes = new RouteTable();
  #apps = new Map<string, FrontApp>();
  #records: ServedRecord[] = [];
  #timer: NodeJS.Timeout | null = null;
  /** Requests served here, by CPU account number (negative: the pool's own exchanges count up from 1). */
  #inflight = new Map<number, { res: ServerResponse; requestId: string; app: string; started: number }>();
  #seq = 0;
  #closing = false;

  constructor(host: FrontHost) { this.#host = host; }

  listen(opts: FrontListen): Promise<void> {
    this.#forward = opts.forward;
    const server = createServer(EDGE_SERVER_OPTIONS, (req, res) => void this.#handle(req, res));
    if (TRACING) server.on("connection", (socket) => acceptedAt.set(socket, performance.now()));
    this.#server = server;
    return new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen({ host: opts.host, port: opts.port, reusePort: true }, () => {
        server.off("error", reject);
        resolve();
      });
    });
  }

  routes(apps: FrontApp[]): void {
    const table = new RouteTable();
    for (const a of apps) table.set(a.name, a.routes);
    this.#routes = table;
    this.#apps = new Map(apps.map((a) => [a.name, a]));
  }

  /**
   * Stops accepting connections without resetting any: the loop first turns once more, so connections
   * the kernel queued for this thread while it was busy are accepted (closing a reusePort listener
   * resets the ones still queued); then, with the listener closed, each connection ends after its
   * next response (`Connection: close`: its client reconnects, to another thread) or when its
   * keep-alive timeout passes (closing idle ones now would race requests already
   * on their way). Resolves once every connection is closed.
   */
  close(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    if (!server) return Promise.resolve();
    return new Promise<void>((resolve) => {
      // net.Server's close, not http.Server's: that one also closes "idle" connections, which include
      // ones just accepted whose request bytes have not been read yet (they would be reset).
      setImmediate(() => setImmediate(() => {
        NetServer.prototype.close.call(server, () => resolve());
        // Only now: a client told to reconnect earlier could land on this listener's queue, reset at its close.
        this.#closing = true;
      }));
    });
  }

  /** Sends the records not yet sent (also before the thread answers a stats request). */
  flush(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    if (this.#records.length === 0) return;
    const records = this.#records;
    this.#records = [];
    this.#host.served(records);
  }

  #record(r: ServedRecord): void {
    this.#records.push(r);
    if (this.#records.length >= FLUSH_RECORDS) this.flush();
    else this.#timer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }

  /** The CPU watchdog cut request `seq` short; answers for it. False when it is not one of this listener's. */
  killed(seq: number, message: string): boolean {
    const x = this.#inflight.get(seq);
    if (!x) return false;
    this.#inflight.delete(seq);
    hostError(x.res, 503, message, x.requestId, "cpu");
    this.#record({ app: x.app, status: 503, seconds: (performance.now() - x.started) / 1000, limit: "cpu" });
    return true;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const trace = TRACING ? new RequestTrace() : undefined;
    if (trace) {
      trace.mark(MARK.parsed);
      const accepted = acceptedAt.get(req.socket);
      acceptedAt.delete(req.socket); // only the connection's first request waited for the accept
      if (accepted !== undefined) trace.marks[MARK.accepted] = accepted;
      res.once("finish", () => trace.mark(MARK.written));
    }
    if (this.#closing) res.shouldKeepAlive = false; // this thread is retiring: the client reconnects, to another thread
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const path = q < 0 ? url : url.slice(0, q);
    const name = isNodePath(path) ? null : this.#routes.match(req.headers.host ?? "", path);
    const app = name === null ? undefined : this.#apps.get(name);
    if (!app) return forwardRequest(req, res, this.#forward);
    const started = performance.now();
    const key = drawByPercent(app.versions).key;
    const requestId = randomUUID();
    const seq = -++this.#seq;
    let loaded: ComponentApp;
    try {
      loaded = await this.#host.app(key);
    } catch (err) {
      req.resume();
      hostError(res, 503, `this app could not be loaded on this node: ${(err as Error).message}`, requestId);
      return this.#record({ app: app.name, status: 503, seconds: (performance.now() - started) / 1000 });
    }
    trace?.mark(MARK.routed);
    this.#inflight.set(seq, { res, requestId, app: app.name, started });
    // A request cut short by the CPU watchdog never comes back here: killed() answers and records it.
    const info = await loaded.serve(req, res, requestId, seq, trace);
    this.#inflight.delete(seq);
    const record: ServedRecord = { app: app.name, status: info.status, seconds: (performance.now() - started) / 1000, coldStartMs: info.coldStartMs, limit: info.limit };
    if (trace) {
      record.steps = trace.steps();
    }
    this.#record(record);
  }
}
