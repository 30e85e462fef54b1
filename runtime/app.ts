// A deployed app on one thread: one compiled component, a pool of instances (one request at a
// time each, reused across requests, spares kept ready), per-request limits, and the bridge from
// Node-shaped HTTP objects to the guest's incoming-handler; scheduled and queue events take the same
// instances (runtime/app-events.ts). Broken instances are never reused.
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AppLimits, ServeInfo } from "../core/limits.ts";
import type { LogSink } from "../core/logs/line.ts";
import type { Dispatcher } from "undici";
import { runEvent, type EventHost } from "./app-events.ts";
import { appSpec, type AppSpecInput } from "./app-spec.ts";
import { compileComponent, type CompiledComponent } from "./component.ts";
import type { AppEvent, EventResult, QueueSender } from "./events.ts";
import type { KvBackend } from "./host/outpost.ts";
import { hostError } from "./http-host.ts";
import { LimitError, responder, toIncomingRequest } from "./http-bridge.ts";
import { Instance, type InstanceOptions } from "./instance.ts";
import { CpuExceeded, type CpuMeter } from "./pool/cpu-meter.ts";
import type { IdleInstances } from "./pool/idle-instances.ts";
import { beforeWallLimit, nearMemoryLimit } from "./run-limits.ts";
import { warmupRequest } from "./warmup.ts";
import { MARK, type RequestTrace } from "./request-trace.ts";

/** The app (runtime/app-spec.ts) and the backends this thread gives it. */
export interface AppOptions extends AppSpecInput {
  kv?: KvBackend;
  /** Where the guests' queue sends go; without it a send fails ("queues are not available on this node"). */
  queue?: QueueSender;
  dispatcher?: Dispatcher;
  onLog: LogSink;
  cacheDir: string;
  meter?: CpuMeter;
  idle?: IdleInstances;
}

export interface AppStats { requests: number; instancesCreated: number; instancesLive: number; instancesIdle: number; warmups: number; discarded: number; evicted: number }

let lastSeq = 0;

export class ComponentApp {
  readonly name: string;
  readonly component: CompiledComponent;
  readonly limits: AppLimits;
  #opts: AppOptions;
  /** Idle instances kept ready. */
  #spares: number;
  #instanceOptions: InstanceOptions;
  #idle: Instance[] = [];
  #live = 0;
  #waiters: Array<(i: Instance) => void> = [];
  #inflight = new Set<Promise<unknown>>();
  #refilling = false;
  #closed = false;
  #eventHost: EventHost;
  readonly stats: AppStats = { requests: 0, instancesCreated: 0, instancesLive: 0, instancesIdle: 0, warmups: 0, discarded: 0, evicted: 0 };

  constructor(component: CompiledComponent, opts: AppOptions) {
    this.name = opts.name;
    this.component = component;
    this.#opts = opts;
    const spec = appSpec(opts);
    this.limits = spec.limits;
    this.#spares = spec.spares;
    const kvNamespaces = new Map(spec.kvNamespaces.map((k) => [k.binding, k.id]));
    const queues = new Map(spec.queues.map((q) => [q.binding, q.queue]));
    const bindings = JSON.stringify({
      vars: spec.vars, secrets: spec.secrets, kv: [...kvNamespaces.keys()], queues: [...queues.keys()],
    });
    this.#instanceOptions = {
      app: opts.name, version: opts.version, bindings, kvNamespaces, queues, kv: opts.kv, queue: opts.queue,
      subrequests: this.limits.subrequests, dispatcher: opts.dispatcher, onLog: opts.onLog, meter: opts.meter,
    };
    this.#eventHost = {
      limits: this.limits, exports: component.exports, metered: opts.meter !== undefined,
      acquire: async () => (await this.#acquire()).inst,
      release: (inst) => this.#release(inst),
      log: (requestId, message) => this.#log(requestId, "error", message),
    };
  }

  /** Validates and compiles the component (once per process for the same bytes and memory limit). */
  static async load(bytes: Uint8Array, opts: AppOptions): Promise<ComponentApp> {
    const memoryMb = opts.limits?.memoryMb;
    const component = await compileComponent(bytes, { cacheDir: opts.cacheDir, memoryLimitBytes: memoryMb ? memoryMb * 1024 * 1024 : undefined });
    return new ComponentApp(component, opts);
  }

  #updateGauges(): void {
    this.stats.instancesLive = this.#live;
    this.stats.instancesIdle = this.#idle.length;
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
    } finally {
      this.#updateGauges();
    }
  }

  #park(inst: Instance): void {
    this.#idle.push(inst);
    this.#opts.idle?.add({
      instance: inst,
      evicted: () => {
        const i = this.#idle.indexOf(inst);
        if (i < 0) return;
        this.#idle.splice(i, 1);
        this.#live--;
        this.stats.evicted++;
        this.#updateGauges();
      },
    });
    this.#updateGauges();
  }

  /**
   * Prepares the app before traffic: a throwaway instance takes one synthetic request, so V8's
   * lazy compilation of the guest's code is paid now (its outgoing requests, KV writes and logs
   * are refused or dropped), then the spares are instantiated: awaited, or with `spares: "later"`
   * started once the caller has been answered (a deploy acks first; a request arriving before the
   * spare is ready instantiates its own).
   */
  async warm(opts: { throwaway?: boolean; spares?: "now" | "later" | "none" } = {}): Promise<void> {
    if (opts.throwaway !== false) {
      const inst = await this.#newInstance();
      inst.warming = true;
      this.stats.warmups++;
      try { await warmupRequest(inst); } catch { /* a failing warm-up only means the first request compiles more */ }
      this.#live--;
      this.#updateGauges();
    }
    if (opts.spares === "none") return; // the first request instantiates its own; spares are kept from then on
    if (opts.spares === "later") setImmediate(() => void this.#refill().catch(() => undefined)); // a request instantiates its own and reports why
    else await this.#refill();
  }

  async #refill(): Promise<void> {
    const target = this.#spares;
    if (this.#refilling || this.#closed) return;
    this.#refilling = true;
    try {
      while (!this.#closed && this.#idle.length < target && this.#live < this.limits.maxInstances) this.#park(await this.#newInstance());
    } finally {
      this.#refilling = false;
    }
  }

  async #acquire(): Promise<{ inst: Instance; coldStartMs?: number }> {
    const idle = this.#idle.pop();
    if (idle) {
      this.#opts.idle?.remove(idle);
      this.#updateGauges();
      return { inst: idle };
    }
    if (this.#live < this.limits.maxInstances) {
      const t = performance.now();
      const inst = await this.#newInstance();
      return { inst, coldStartMs: performance.now() - t };
    }
    return { inst: await new Promise<Instance>((resolve) => this.#waiters.push(resolve)) };
  }

  #release(inst: Instance): void {
    if (inst.broken || this.#closed) {
      this.#live--;
      if (inst.broken) this.stats.discarded++;
      this.#updateGauges();
      const waiter = this.#waiters.shift();
      if (waiter) this.#newInstance().then(waiter, () => this.#waiters.unshift(waiter));
      return;
    }
    const waiter = this.#waiters.shift();
    if (waiter) return waiter(inst);
    this.#park(inst);
    if (this.#idle.length < this.#spares) setImmediate(() => void this.#refill().catch(() => undefined)); // a request instantiates its own and reports why
  }

  /** Serves one HTTP request through the component. Never throws; errors become responses. */
  serve(req: IncomingMessage, res: ServerResponse, requestId: string = randomUUID(), seq?: number, trace?: RequestTrace): Promise<ServeInfo> {
    const p = this.#serve(req, res, requestId, seq ?? ++lastSeq, trace);
    this.#inflight.add(p);
    void p.finally(() => this.#inflight.delete(p));
    return p;
  }

  /** Runs a scheduled or queue event through the component (runtime/app-events.ts). Never throws. */
  event(ev: AppEvent, requestId: string = randomUUID(), seq?: number): Promise<EventResult> {
    const p = runEvent(this.#eventHost, ev, requestId, seq ?? ++lastSeq);
    this.#inflight.add(p);
    void p.finally(() => this.#inflight.delete(p));
    return p;
  }

  #log(requestId: string, level: "warn" | "error", message: string): void {
    this.#opts.onLog({ ts: Date.now(), app: this.name, version: this.#opts.version, requestId, level, source: "host", message });
  }

  async #serve(req: IncomingMessage, res: ServerResponse, requestId: string, seq: number, trace?: RequestTrace): Promise<ServeInfo> {
    this.stats.requests++;
    const fail = (status: number, message: string, limit?: ServeInfo["limit"]): ServeInfo => {
      hostError(res, status, message, requestId, limit);
      return { status, limit };
    };
    const declared = Number(req.headers["content-length"] ?? 0);
    if (declared > this.limits.maxRequestBodyBytes) {
      req.resume();
      return fail(413, `request body of ${declared} bytes is over this app's limit of ${this.limits.maxRequestBodyBytes} bytes (limits.max_request_body_mb)`, "request_body");
    }
    let acquired: { inst: Instance; coldStartMs?: number };
    try {
      acquired = await this.#acquire();
    } catch (err) {
      this.#log(requestId, "error", `could not instantiate: ${(err as Error).message}`);
      return fail(500, "could not start an instance of this app");
    }
    const { inst, coldStartMs } = acquired;
    const state = responder(res, { maxBodyBytes: this.limits.maxResponseBodyBytes, extraHeaders: [["x-outpost-request-id", requestId]], onHead: trace && (() => trace.mark(MARK.head)) });
    const request = toIncomingRequest(req, { scheme: "http", maxBodyBytes: this.limits.maxRequestBodyBytes });
    const account = this.#opts.meter ? { seq, budgetMs: this.limits.cpuMs, usedMs: 0, exceeded: false } : null;
    trace?.mark(MARK.called);
    const run = inst.handle(requestId, request, state.outparam, account).then(() => "done" as const, (err: unknown) => err);
    const outcome = await beforeWallLimit(run, this.limits.wallMs);
    trace?.mark(MARK.returned);
    if (outcome === "timeout") {
      inst.broken = true; // still suspended inside the guest: never reuse it
      this.#log(requestId, "error", `exceeded the wall-time limit of ${this.limits.wallMs} ms (limits.wall_ms)`);
      void run.finally(() => this.#release(inst));
      return { ...fail(504, `this app did not finish within ${this.limits.wallMs} ms (limits.wall_ms)`, "wall"), coldStartMs };
    }
    const atMemoryLimit = nearMemoryLimit(inst, this.limits.memoryMb);
    if (atMemoryLimit) inst.broken = true;
    this.#release(inst);
    if (outcome !== "done") {
      const err = outcome as Error;
      if (err instanceof CpuExceeded) {
        this.#log(requestId, "error", `${err.message}; the instance was discarded`);
        return { ...fail(503, `this request ${err.message}`, "cpu"), coldStartMs };
      }
      if (err instanceof LimitError) return { ...fail(err.status, err.message, err.status === 413 ? "request_body" : "response_body"), coldStartMs };
      if (atMemoryLimit) {
        this.#log(requestId, "error", `ran out of memory at the limit of ${this.limits.memoryMb} MiB (limits.memory_mb): ${err?.message}; the instance was discarded`);
        return { ...fail(503, `this app ran out of memory (limits.memory_mb = ${this.limits.memoryMb})`, "memory"), coldStartMs };
      }
      this.#log(requestId, "error", `instance trapped: ${err?.message ?? String(err)}; it was discarded`);
      return { ...fail(500, "the app's component trapped"), coldStartMs };
    }
    if (atMemoryLimit) this.#log(requestId, "error", `memory reached the limit of ${this.limits.memoryMb} MiB (limits.memory_mb); the instance was discarded`);
    const progress = state.progress();
    if (progress === "none") {
      this.#log(requestId, "error", "handler returned without setting a response");
      return { ...fail(500, "the app returned no response"), coldStartMs };
    }
    if (progress === "head") {
      this.#log(requestId, "error", "handler returned before finishing the response body");
      res.destroy();
    }
    const result = await state.finished;
    if (result.error) this.#log(requestId, "error", result.error);
    return { status: res.statusCode, coldStartMs, limit: atMemoryLimit && res.statusCode >= 500 ? "memory" : undefined };
  }

  /** Resolves when every request and event in flight has finished. */
  async drain(): Promise<void> {
    while (this.#inflight.size) await Promise.allSettled([...this.#inflight]);
  }

  /** Drains, then drops every instance; the app serves nothing after this. */
  async close(): Promise<void> {
    await this.drain();
    this.#closed = true;
    for (const inst of this.#idle) this.#opts.idle?.remove(inst);
    this.#live -= this.#idle.length;
    this.#idle = [];
    this.#updateGauges();
  }
}
