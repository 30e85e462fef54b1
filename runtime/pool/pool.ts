// The runtime's worker-thread pool (main thread): compiles each component once and posts it to
// the threads that need it, sends an app's requests to its home thread while that keeps up and
// spills to the least busy thread under load, and stops runaway guests: a watchdog reads each
// thread's CPU meter and cuts short a guest that overran its request's CPU budget without stopping
// its thread (runtime/pool/watchdog.ts); that thread is then retired: a fresh one takes its place,
// and it stops once the requests it holds are done. Where cutting short is not possible the thread is
// terminated, respawned, and the other requests it held are replayed elsewhere when possible.
// Scheduled and queue events run on the same threads (never replayed); guests' queue sends come
// back here, to the pool's QueueSender.
import { cpus } from "node:os";
import type { IncomingMessage, ServerResponse } from "node:http";
import { randomUUID } from "node:crypto";
import type { ServeInfo } from "../../core/limits.ts";
import { appSpec, type AppSpecInput } from "../app-spec.ts";
import type { AppEvent, EventResult, QueueSender } from "../events.ts";
import { LRUCache } from "lru-cache";
import { compileForThreads, compiledKey, forgetCompiled, recompile } from "../component.ts";
import type { LogSink } from "../../core/logs/line.ts";
import { Exchange } from "./exchange.ts";
import { PoolEvent } from "./pool-event.ts";
import type { FrontApp, FrontListen, PostedApp, KvModuleSpec, KvWrite, ServedRecord, WorkerAppStats } from "./protocol.ts";
import { RuntimeThread } from "./thread.ts";
import { Watchdog } from "./watchdog.ts";
import { homeFor, pickThread } from "./placement.ts";
import { startMark } from "../../core/start-trace.ts";

/** A retired thread still holding requests after this long is terminated (its requests replayed or failed). */
const RETIRE_DEADLINE_MS = 60_000;

export interface PoolOptions {
  /** Worker threads (default: one per core). */
  threads?: number;
  /** Idle instance memory kept per thread before LRU eviction (default 512 MiB). */
  idleBytesPerThread?: number;
  cacheDir: string;
  onLog: LogSink;
  /** A home thread with this many requests in flight sends further ones elsewhere (default 32). */
  spillThreshold?: number;
  /** Added to a request's CPU budget before the watchdog stops its thread (default 10 ms). */
  cpuGraceMs?: number;
  /**
   * Bytes compiled components keep loaded alone (data images, modules not shared; default 2 GiB). Past it the least recently
   * used component is evicted from every thread and compiled again on its next request.
   */
  moduleBytes?: number;
  /** Told when an app loses its compiled modules (module eviction). */
  onEvict?(app: string, kind: "module"): void;
  /**
   * KV for the apps' `kv_namespaces`: each worker thread builds its backend from `module` (reads
   * stay on the thread) and sends the guests' writes here, to `write`, which owns them.
   */
  kv?: KvModuleSpec & { write(w: KvWrite): Promise<void> };
  /** Where guests' queue sends go (their Err is its error text); without it they fail (QUEUES_UNAVAILABLE). */
  queue?: QueueSender;
  /** Requests the threads' own listeners served (`listen`), in batches: for the node's metrics. */
  onServed?(records: ServedRecord[]): void;
}

/** An app version to deploy (runtime/app-spec.ts) with its component's bytes. */
export interface DeploySpec extends AppSpecInput {
  version: string;
  bytes: Uint8Array;
  /** The bytes' SHA-256 when the caller verified it (the artifact's hash): not hashed again. */
  sha256?: string;
  /**
   * Hands over the same bytes again, for a compile after the app's modules were evicted (e.g. from the
   * region store's artifact file). Given, the runtime writes no core module files for it.
   */
  reread?: () => Uint8Array | Promise<Uint8Array>;
}

export interface PoolApp {
  key: string;
  spec: PostedApp;
  home: number;
  loadMs: number;
  /** The compiled form it uses (hash and memory limit); shared by apps with the same code. */
  compiled: string;
  /** Its modules were evicted: the next request compiles them again. */
  cold: Promise<void> | null;
  evicted: boolean;
  /** Where a compile after an eviction gets the bytes (DeploySpec.reread); without it, the core module files. */
  reread?: () => Uint8Array | Promise<Uint8Array>;
}

export class RuntimePool {
  readonly threads: RuntimeThread[] = [];
  #opts: Required<Omit<PoolOptions, "threads" | "onEvict" | "kv" | "queue" | "onServed">> & Pick<PoolOptions, "onEvict" | "kv" | "queue" | "onServed"> & { threads: number };
  #apps = new Map<string, PoolApp>();
  #modules: LRUCache<string, { size: number }>;
  #watchdog: Watchdog | undefined;
  #sampler: NodeJS.Timeout | undefined;
  #closing = false;
  /** Threads replaced after a guest was cut short on them, finishing what they hold. */
  #retired = new Set<RuntimeThread>();
  /** Where the threads' own listeners are (`listen`), and what they route. */
  #front: FrontListen | null = null;
  #frontApps: FrontApp[] = [];
  /** Counts threads stopped by the watchdog (cut short or terminated) and crashes, for metrics. */
  restarts = 0;

  constructor(opts: PoolOptions) {
    this.#opts = {
      threads: opts.threads ?? Math.max(1, cpus().length),
      idleBytesPerThread: opts.idleBytesPerThread ?? 512 << 20,
      cacheDir: opts.cacheDir,
      onLog: opts.onLog,
      spillThreshold: opts.spillThreshold ?? 32,
      cpuGraceMs: opts.cpuGraceMs ?? 10,
      moduleBytes: opts.moduleBytes ?? 2 * 1024 ** 3,
      onEvict: opts.onEvict,
      kv: opts.kv,
      queue: opts.queue,
      onServed: opts.onServed,
    };
    this.#modules = new LRUCache<string, { size: number }>({
      maxSize: this.#opts.moduleBytes,
      sizeCalculation: (v) => Math.max(1, v.size),
      dispose: (_v, key, reason) => { if (reason === "evict") this.#evictModules(key); },
    });
  }

  /** Drops a compiled component from every thread and from this process's compile cache. */
  #evictModules(compiled: string): void {
    forgetCompiled(compiled);
    for (const app of this.#apps.values()) {
      if (app.compiled !== compiled || app.evicted) continue;
      app.evicted = true;
      app.spec = { ...app.spec, component: { ...app.spec.component, modules: new Map(), images: new Map() } }; // let V8 free them
      for (const t of this.threads) t.unload(app.key);
      this.#opts.onEvict?.(app.spec.name, "module");
    }
  }

  /**
   * Marks an app's modules recently used, or compiles them again when they were evicted: null when
   * ready now, else a promise of the compile's error (null on success).
   */
  #revive(app: PoolApp): Promise<Error | null> | null {
    if (!app.evicted) {
      this.#modules.get(app.compiled);
      return null;
    }
    return this.#rewarm(app).then(() => null, (err: Error) => err);
  }

  /** Compiles an evicted app's modules again (once, however many requests wait). */
  #rewarm(app: PoolApp): Promise<void> {
    app.cold ??= (async () => {
      const memoryLimitBytes = app.spec.limits.memoryMb * 1024 * 1024;
      const { reread } = app;
      const component = reread
        ? await compileForThreads(await reread(), { cacheDir: this.#opts.cacheDir, memoryLimitBytes, sha256: app.spec.component.hash, moduleFiles: false })
        : await recompile(app.spec.component, memoryLimitBytes);
      app.spec = { ...app.spec, component };
      app.evicted = false;
      this.#modules.set(app.compiled, { size: component.ownBytes });
    })().finally(() => { app.cold = null; });
    return app.cold;
  }

  async start(): Promise<void> {
    for (let i = 0; i < this.#opts.threads; i++) this.threads.push(this.#spawn(i));
    await Promise.all(this.threads.map((t) => t.ready));
    this.#watchdog = new Watchdog({
      graceMs: this.#opts.cpuGraceMs,
      threads: () => [...this.threads, ...this.#retired],
      cutShort: (t, seq) => this.#retire(t, seq),
    });
    this.#sampler = setInterval(() => { for (const t of this.threads) t.sampleUtilization(); }, 50);
    this.#sampler.unref();
  }

  #spawn(index: number): RuntimeThread {
    const t = new RuntimeThread(index, {
      idleBytes: this.#opts.idleBytesPerThread,
      cacheDir: this.#opts.cacheDir,
      kv: this.#opts.kv && { module: this.#opts.kv.module, options: this.#opts.kv.options },
      onKvWrite: this.#opts.kv && ((w) => this.#opts.kv!.write(w)),
      onQueueSend: this.#opts.queue && ((queue, messages) => this.#opts.queue!.send(queue, messages)),
      onLog: (m) => this.#opts.onLog(m.line),
      onWant: (thread, key) => this.#want(thread, key),
      onServed: this.#opts.onServed,
      onExit: (t) => {
        this.#retired.delete(t);
        if (this.#closing || t.retired) return;
        this.restarts++;
        const fresh = this.#spawn(index);
        this.threads[index] = fresh;
        const why = t.killedFor !== null ? `stopped by the CPU watchdog (request ${t.killedFor})` : "exited";
        this.#opts.onLog({ ts: Date.now(), app: "-", level: "warn", source: "host", message: `runtime thread ${index} ${why}; respawned` });
      },
    });
    // A thread that replaces one listens where the others do.
    const front = this.#front;
    if (front) {
      this.#listenOn(t, front).catch((err: Error) => {
        this.#opts.onLog({ ts: Date.now(), app: "-", level: "error", source: "host", message: `runtime thread ${index} could not listen on port ${front.port}: ${err.message}` });
      });
    }
    return t;
  }

  /** Once `t` is ready: its routes, its listener (`t.listening`), then its loads ahead. */
  #listenOn(t: RuntimeThread, front: FrontListen): Promise<void> {
    t.listening = t.ready.then(() => {
      t.post({ t: "front.routes", apps: this.#frontApps });
      const listening = t.listen(front);
      this.#loadAhead(t); // after the listen: a thread serves (loading on demand) before its loads ahead are done
      return listening;
    });
    return t.listening;
  }

  /**
   * Loads every routed version on `t` in the background, warmed but with no spare instance: the
   * kernel may give any thread a connection for any app, and a first request on a thread that has not
   * seen the app would otherwise wait for the load and V8's lazy compilation there (hundreds of ms
   * under a burst). Instances are made only where requests come.
   */
  #loadAhead(t: RuntimeThread): void {
    for (const a of this.#frontApps) {
      for (const v of a.versions) {
        const app = this.#apps.get(v.key);
        if (!app || app.evicted || t.loaded.has(v.key) || !t.alive || t.retired) continue;
        t.load(app.spec, "ahead").catch(() => undefined); // a request there loads it again and reports why
      }
    }
  }

  /**
   * Every thread listens on `host:port` too (reusePort: the kernel spreads connections over them) and
   * serves what its route table (`setRoutes`) matches itself; the rest goes to `forward`. Resolves
   * once every thread listens; rejects when one cannot (e.g. no reusePort on this system).
   */
  async listen(front: FrontListen): Promise<void> {
    this.#front = front;
    await Promise.all(this.threads.map((t) => this.#listenOn(t, front)));
  }

  /** What the threads' own listeners route: each app's routes and versions (replaces the table). */
  setRoutes(apps: FrontApp[]): void {
    this.#frontApps = apps;
    if (!this.#front) return;
    for (const t of this.threads) {
      t.post({ t: "front.routes", apps });
      this.#loadAhead(t);
    }
  }

  /** A thread's listener routed a request to a version it has not loaded: load it there. */
  #want(t: RuntimeThread, key: string): void {
    const fail = (message: string) => t.post({ t: "want.failed", key, message });
    const app = this.#apps.get(key);
    if (!app) return fail(`app version ${key} is not deployed on this node`);
    void (async () => {
      const err = await (this.#revive(app) ?? null);
      if (err) return fail(`could not compile the app again after its modules were evicted: ${err.message}`);
      await t.load(app.spec, "first-use");
    })().catch((err: Error) => fail(err.message));
  }

  /**
   * A guest was cut short on `t`: V8 may have dropped other work queued on that thread with it, so the
   * thread takes no new work. A fresh thread takes its index; `t` stops once it holds no requests.
   */
  #retire(t: RuntimeThread, seq: number): void {
    if (t.retired) return;
    t.retired = true;
    this.restarts++;
    let handOver: Promise<unknown> = Promise.resolve();
    if (!this.#closing && this.threads[t.index] === t) {
      this.#retired.add(t);
      const fresh = this.#spawn(t.index);
      this.threads[t.index] = fresh;
      handOver = fresh.listening ?? handOver;
    }
    // Its listener stays open until the fresh thread listens: the port never refuses a connection.
    void handOver.catch(() => undefined).then(() => t.post({ t: "front.close" }));
    this.#opts.onLog({ ts: Date.now(), app: "-", level: "warn", source: "host", message: `runtime thread ${t.index}: request ${seq} was stopped at its CPU limit; the thread is replaced once its other requests finish` });
    const deadline = Date.now() + RETIRE_DEADLINE_MS;
    const check = () => {
      if (!t.alive) return;
      // Its own listener's connections count too: they close as they go idle ("front.closed").
      if ((t.exchanges.size === 0 && !t.frontOpen) || Date.now() > deadline) return void t.worker.terminate();
      setTimeout(check, 50).unref();
    };
    check();
  }

  /**
   * Compiles (once per process) and loads an app version on its home thread, warmed (a thread that
   * already warmed the same compiled modules skips the warm-up: runtime/pool/worker.ts). Other
   * threads load it on first use. The home is the thread of a loaded version of the same app with
   * the same compiled modules (a config-only deploy or secret reload), else the one with fewest apps.
   */
  async deploy(d: DeploySpec): Promise<PoolApp> {
    const app0 = appSpec(d);
    const memoryLimitBytes = app0.limits.memoryMb * 1024 * 1024;
    startMark("compile-started", d.name);
    const component = await compileForThreads(d.bytes, { cacheDir: this.#opts.cacheDir, memoryLimitBytes, sha256: d.sha256, moduleFiles: !d.reread });
    startMark("compiled", d.name);
    const key = `${d.name}@${d.version}`;
    const spec: PostedApp = { ...app0, key, version: d.version, component };
    const compiled = compiledKey(component.hash, memoryLimitBytes);
    const home = homeFor(this.threads, this.#apps.values(), d.name, compiled);
    const t = performance.now();
    await this.threads[home].ready;
    startMark("home-thread-ready", d.name);
    await this.threads[home].load(spec, "deploy");
    startMark("loaded-and-warmed", d.name);
    const app: PoolApp = { key, spec, home, loadMs: performance.now() - t, compiled, cold: null, evicted: false, reread: d.reread };
    this.#apps.set(key, app);
    this.#modules.set(compiled, { size: component.ownBytes });
    return app;
  }

  /** Drops an app version from every thread (after its requests in flight finish there). */
  undeploy(key: string): void {
    this.#apps.delete(key);
    for (const t of this.threads) t.unload(key);
  }

  /** Serves a request for an app version; resolves when the response is finished. */
  async serve(key: string, req: IncomingMessage, res: ServerResponse, requestId: string = randomUUID()): Promise<ServeInfo> {
    const app = this.#apps.get(key);
    if (!app) throw new Error(`app version ${key} is not deployed`);
    const ex = new Exchange(req, res, requestId);
    const reviving = this.#revive(app);
    const failed = reviving && (await reviving);
    if (failed) {
      this.#opts.onLog({ ts: Date.now(), app: app.spec.name, requestId, level: "error", source: "host", message: `could not compile the app again after its modules were evicted: ${failed.message}` });
      ex.onThreadDeath(false);
      return ex.done;
    }
    let attempts = 0;
    const start = async (): Promise<void> => {
      const thread = pickThread(this.threads, app.home, this.#opts.spillThreshold);
      await thread.ready;
      // A thread that has not served this app yet loads it first (posting the compiled modules).
      await thread.load(app.spec, "first-use");
      ex.run(thread, key);
    };
    const giveUp = () => {
      ex.onRetry = null;
      ex.onThreadDeath(false);
    };
    ex.onRetry = () => {
      if (++attempts > 2) return giveUp();
      start().catch(giveUp);
    };
    await start().catch(giveUp);
    return ex.done;
  }

  /**
   * Runs a scheduled or queue event for an app version on the thread its next request would take.
   * Never throws; a thread stopped by the CPU watchdog meanwhile gives `ok: false, limit: "cpu"`.
   */
  async event(key: string, ev: AppEvent, requestId: string = randomUUID()): Promise<EventResult> {
    const run = new PoolEvent();
    const app = this.#apps.get(key);
    if (!app) return run.fail(`app version ${key} is not deployed`);
    const reviving = this.#revive(app);
    const failed = reviving && (await reviving);
    if (failed) return run.fail(`could not compile the app again after its modules were evicted: ${failed.message}`);
    try {
      const thread = pickThread(this.threads, app.home, this.#opts.spillThreshold);
      await thread.ready;
      await thread.load(app.spec, "first-use");
      run.run(thread, key, ev, requestId);
    } catch (err) {
      return run.fail(`could not load the app on a runtime thread: ${(err as Error).message}`);
    }
    return run.done;
  }

  get apps(): PoolApp[] { return [...this.#apps.values()]; }

  async stats(): Promise<{ threads: Array<{ index: number; rss: number; inflight: number; apps: WorkerAppStats[] }>; restarts: number }> {
    const threads = await Promise.all(this.threads.map(async (t) => ({ index: t.index, inflight: t.inflight, ...(await t.stats()) })));
    return { threads, restarts: this.restarts };
  }

  async close(): Promise<void> {
    this.#closing = true;
    this.#watchdog?.close();
    clearInterval(this.#sampler);
    await Promise.all([...this.threads, ...this.#retired].map((t) => t.worker.terminate()));
  }
}
