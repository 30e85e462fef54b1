// A deployed app on this process: one compiled component, a pool of instances (one request at a
// time each, reused across requests, a spare kept ready), limits applied per request, and the
// bridge from Node's HTTP objects to the guest's incoming-handler.
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Dispatcher } from "undici";
import { compileComponent, type CompiledComponent } from "./component.ts";
import type { KvBackend, QueueBackend } from "./host/outpost.ts";
import { LimitError, responder, toIncomingRequest } from "./http-bridge.ts";
import { Instance, type InstanceOptions } from "./instance.ts";
import type { LogSink } from "./logs.ts";

export interface AppLimits {
  subrequests: number;
  wallMs: number;
  maxRequestBodyBytes: number;
  maxResponseBodyBytes: number;
  /** Instances alive at once for this app; requests beyond wait for one. */
  maxInstances: number;
}

export const DEFAULT_LIMITS: AppLimits = {
  subrequests: 50, wallMs: 30_000, maxRequestBodyBytes: 100 << 20, maxResponseBodyBytes: 100 << 20, maxInstances: 64,
};

export interface AppOptions {
  name: string;
  version?: string;
  vars?: Record<string, unknown>;
  secrets?: Record<string, string>;
  kvNamespaces?: Array<{ binding: string; id: string }>;
  queues?: Array<{ binding: string; queue: string }>;
  kv?: KvBackend;
  queue?: QueueBackend;
  limits?: Partial<AppLimits>;
  dispatcher?: Dispatcher;
  onLog: LogSink;
  cacheDir: string;
}

export interface AppStats { requests: number; instancesCreated: number; instancesLive: number; instancesIdle: number; discarded: number }

function plain(res: ServerResponse, status: number, message: string): void {
  if (res.headersSent) { res.destroy(); return; }
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8", "x-outpost-error": "1" });
  res.end(message + "\n");
}

export class ComponentApp {
  readonly name: string;
  readonly component: CompiledComponent;
  readonly limits: AppLimits;
  #opts: AppOptions;
  #instanceOptions: InstanceOptions;
  #idle: Instance[] = [];
  #live = 0;
  #waiters: Array<(i: Instance) => void> = [];
  #inflight = new Set<Promise<void>>();
  readonly stats: AppStats = { requests: 0, instancesCreated: 0, instancesLive: 0, instancesIdle: 0, discarded: 0 };

  private constructor(component: CompiledComponent, opts: AppOptions) {
    this.name = opts.name;
    this.component = component;
    this.#opts = opts;
    this.limits = { ...DEFAULT_LIMITS, ...opts.limits };
    const kvNamespaces = new Map((opts.kvNamespaces ?? []).map((k) => [k.binding, k.id]));
    const queues = new Map((opts.queues ?? []).map((q) => [q.binding, q.queue]));
    const bindings = JSON.stringify({
      vars: opts.vars ?? {}, secrets: opts.secrets ?? {}, kv: [...kvNamespaces.keys()], queues: [...queues.keys()],
    });
    this.#instanceOptions = {
      app: opts.name, version: opts.version, bindings, kvNamespaces, queues, kv: opts.kv, queue: opts.queue,
      subrequests: this.limits.subrequests, dispatcher: opts.dispatcher, onLog: opts.onLog,
    };
  }

  /** Validates and compiles the component (once per process for the same bytes). */
  static async load(bytes: Uint8Array, opts: AppOptions): Promise<ComponentApp> {
    return new ComponentApp(await compileComponent(bytes, { cacheDir: opts.cacheDir }), opts);
  }

  async #newInstance(): Promise<Instance> {
    this.#live++;
    try {
      const inst = await Instance.create(this.component, this.#instanceOptions);
      this.stats.instancesCreated++;
      return inst;
    } catch (err) {
      this.#live--;
      throw err;
    }
  }

  /** Creates the first instance before traffic arrives, so a request never pays for it. */
  async warm(): Promise<void> {
    if (this.#idle.length === 0) this.#idle.push(await this.#newInstance());
  }

  async #acquire(): Promise<Instance> {
    const idle = this.#idle.pop();
    if (idle) return idle;
    if (this.#live < this.limits.maxInstances) return this.#newInstance();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  #release(inst: Instance): void {
    if (inst.broken) {
      this.#live--;
      this.stats.discarded++;
      const waiter = this.#waiters.shift();
      if (waiter) this.#newInstance().then(waiter, () => this.#waiters.unshift(waiter));
      return;
    }
    const waiter = this.#waiters.shift();
    if (waiter) waiter(inst);
    else this.#idle.push(inst);
  }

  /** Serves one HTTP request through the component. Never throws; errors become responses. */
  serve(req: IncomingMessage, res: ServerResponse, requestId = randomUUID()): Promise<void> {
    const p = this.#serve(req, res, requestId).finally(() => this.#inflight.delete(p));
    this.#inflight.add(p);
    return p;
  }

  async #serve(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
    this.stats.requests++;
    const declared = Number(req.headers["content-length"] ?? 0);
    if (declared > this.limits.maxRequestBodyBytes) {
      return plain(res, 413, `request body of ${declared} bytes is over this app's limit of ${this.limits.maxRequestBodyBytes} bytes (limits.max_request_body_mb)`);
    }
    const log = (level: "warn" | "error", message: string) =>
      this.#opts.onLog({ ts: Date.now(), app: this.name, version: this.#opts.version, requestId, level, source: "host", message });
    let inst: Instance;
    try {
      inst = await this.#acquire();
    } catch (err) {
      log("error", `could not instantiate: ${(err as Error).message}`);
      return plain(res, 500, "could not start an instance of this app");
    }
    const state = responder(res, { maxBodyBytes: this.limits.maxResponseBodyBytes, extraHeaders: [["x-outpost-request-id", requestId]] });
    const request = toIncomingRequest(req, { scheme: "http", maxBodyBytes: this.limits.maxRequestBodyBytes });
    let timer: NodeJS.Timeout | undefined;
    const wall = new Promise<"timeout">((r) => (timer = setTimeout(() => r("timeout"), this.limits.wallMs)));
    const run = inst.handle(requestId, request, state.outparam).then(() => "done" as const, (err: unknown) => err);
    const outcome = await Promise.race([run, wall]);
    clearTimeout(timer);
    if (outcome === "timeout") {
      inst.broken = true; // still suspended inside the guest: never reuse it
      log("error", `exceeded the wall-time limit of ${this.limits.wallMs} ms (limits.wall_ms)`);
      void run.finally(() => this.#release(inst));
      return plain(res, 504, `this app did not finish within ${this.limits.wallMs} ms (limits.wall_ms)`);
    }
    this.#release(inst);
    if (outcome !== "done") {
      const err = outcome as Error;
      const status = err instanceof LimitError ? err.status : 500;
      log("error", `instance trapped: ${err?.message ?? String(err)}; it was discarded`);
      return plain(res, status, status === 500 ? "the app's component trapped" : err.message);
    }
    const progress = state.progress();
    if (progress === "none") {
      log("error", "handler returned without setting a response");
      return plain(res, 500, "the app returned no response");
    }
    if (progress === "head") {
      log("error", "handler returned before finishing the response body");
      res.destroy();
    }
    const result = await state.finished;
    if (result.error) log("error", result.error);
  }

  /** Resolves when every request in flight has finished. */
  async drain(): Promise<void> {
    while (this.#inflight.size) await Promise.allSettled([...this.#inflight]);
  }
}
