// The main thread's handle on one runtime worker thread: starts it, routes its messages to the
// exchanges and events running on it, answers its guests' KV writes and queue sends, knows which
// app versions it has loaded, and reports its death (a crash, or termination by the CPU watchdog)
// so the pool can respawn it and retry requests.
import { Worker } from "node:worker_threads";
import type { OutgoingQueueMessage } from "../events.ts";
import { QUEUES_UNAVAILABLE } from "../host/outpost.ts";
import { METER_SLOTS } from "./cpu-meter.ts";
import { Interrupter } from "./interrupter.ts";
import type { LoadMode, PostedApp, FromWorker, FrontListen, KvModuleSpec, KvWrite, ServedRecord, ToWorker, WorkerAppStats } from "./protocol.ts";

const WORKER_URL = new URL("./worker.ts", import.meta.url);

export interface ExchangeSink {
  onMessage(m: FromWorker): void;
  /** The thread died with this exchange on it; `culprit` when this request's CPU use killed it. */
  onThreadDeath(culprit: boolean): void;
}

export class RuntimeThread {
  readonly index: number;
  readonly shared: Float64Array;
  readonly worker: Worker;
  /** The worker's name, unique in the process (the Interrupter finds its inspector session by it). */
  readonly name = Interrupter.workerName();
  readonly exchanges = new Map<number, ExchangeSink>();
  readonly loaded = new Map<string, Promise<void>>();
  ready: Promise<void>;
  /** The worker's Linux task id, for reading its CPU time. */
  tid: string | null = null;
  alive = true;
  /** Set when the watchdog terminates the thread: the request it was running. */
  killedFor: number | null = null;
  /** The request the watchdog is cutting short on this thread (runtime/pool/interrupter.ts), if any. */
  interrupting: number | null = null;
  /** Replaced by a fresh thread after a guest was cut short here: takes no new work, stops once idle. */
  retired = false;
  /** The thread's own listener (runtime/pool/front.ts) is listening or still has connections open. */
  frontOpen = false;
  /** Settles when the thread's own listener listens (set when the pool gives it one). */
  listening: Promise<void> | null = null;
  lastStats: { apps: WorkerAppStats[]; rss: number } = { apps: [], rss: 0 };
  #loadWaiters = new Map<string, { resolve(): void; reject(err: Error): void }>();
  #statsWaiters: Array<() => void> = [];
  #listenWaiter: { resolve(): void; reject(err: Error): void } | null = null;

  constructor(index: number, opts: {
    idleBytes: number; cacheDir: string; kv?: KvModuleSpec;
    onLog(m: Extract<FromWorker, { t: "log" }>): void; onExit(t: RuntimeThread): void;
    /** A guest's KV write from this thread; its outcome is posted back. */
    onKvWrite?(w: KvWrite): Promise<void>;
    /** A guest's queue send from this thread; its outcome (or error text) is posted back. */
    onQueueSend?(queue: string, messages: OutgoingQueueMessage[]): Promise<void>;
    /** The thread's own listener needs app version `key` loaded here. */
    onWant?(t: RuntimeThread, key: string): void;
    /** Requests the thread's own listener served. */
    onServed?(records: ServedRecord[]): void;
  }) {
    this.index = index;
    const buffer = new SharedArrayBuffer(METER_SLOTS * 8);
    this.shared = new Float64Array(buffer);
    this.worker = new Worker(WORKER_URL, { name: this.name, workerData: { meter: buffer, idleBytes: opts.idleBytes, cacheDir: opts.cacheDir, kv: opts.kv } });
    this.ready = new Promise((resolve, reject) => {
      this.worker.once("message", (m: FromWorker) => {
        if (m.t !== "ready") return reject(new Error(`worker said ${m.t} first`));
        this.tid = m.tid;
        resolve();
      });
      this.worker.once("error", reject);
    });
    this.worker.on("message", (m: FromWorker) => {
      switch (m.t) {
        case "log": return opts.onLog(m);
        case "loaded": {
          const w = this.#loadWaiters.get(m.key);
          this.#loadWaiters.delete(m.key);
          if (m.error) { this.loaded.delete(m.key); w?.reject(new Error(m.error)); } else w?.resolve();
          return;
        }
        case "stats": {
          this.lastStats = { apps: m.apps, rss: m.rss };
          for (const w of this.#statsWaiters.splice(0)) w();
          return;
        }
        case "ready": return;
        case "want": return opts.onWant?.(this, m.key);
        case "served.batch": return opts.onServed?.(m.records);
        case "front.closed":
          this.frontOpen = false;
          return;
        case "front.listening": {
          const w = this.#listenWaiter;
          this.#listenWaiter = null;
          if (m.error) w?.reject(new Error(m.error));
          else {
            this.frontOpen = true;
            w?.resolve();
          }
          return;
        }
        case "kv": {
          const write = opts.onKvWrite ? opts.onKvWrite(m.write) : Promise.reject(Object.assign(new Error("KV writes are not available on this node"), { kvError: "unavailable" }));
          write.then(
            () => this.post({ t: "kv.done", id: m.id }),
            (err: Error & { kvError?: "invalid" | "unavailable" }) => this.post({ t: "kv.done", id: m.id, error: { message: err.message, kvError: err.kvError } }),
          );
          return;
        }
        case "queue": {
          const send = opts.onQueueSend;
          const sent = send ? (async () => send(m.queue, m.messages))() : Promise.reject(new Error(QUEUES_UNAVAILABLE));
          sent.then(
            () => this.post({ t: "queue.done", id: m.id }),
            (err: unknown) => this.post({ t: "queue.done", id: m.id, error: err instanceof Error ? err.message : String(err) }),
          );
          return;
        }
        default: this.exchanges.get(m.id)?.onMessage(m);
      }
    });
    this.worker.on("error", () => { /* the exit event follows and does the cleanup */ });
    this.worker.on("exit", () => {
      this.alive = false;
      for (const [id, x] of this.exchanges) x.onThreadDeath(id === this.killedFor);
      this.exchanges.clear();
      for (const w of this.#loadWaiters.values()) w.reject(new Error("the worker thread exited while loading the app"));
      this.#loadWaiters.clear();
      for (const w of this.#statsWaiters.splice(0)) w();
      this.#listenWaiter?.reject(new Error("the worker thread exited before it listened"));
      this.#listenWaiter = null;
      opts.onExit(this);
    });
  }

  /** Posts to the worker; `transfer` moves buffers instead of copying them (a body chunk always moves). */
  post(m: ToWorker, transfer?: ArrayBuffer[]): void {
    if (!this.alive) return;
    if (m.t === "body") this.worker.postMessage(m, [m.chunk.buffer as ArrayBuffer]);
    else this.worker.postMessage(m, transfer);
  }

  /** Loads (and warms) an app version on this thread once; later calls share the same promise. */
  load(spec: PostedApp, mode: LoadMode): Promise<void> {
    // A dead thread would never answer (post drops the message): fail instead of hanging the caller.
    if (!this.alive) return Promise.reject(new Error("the worker thread exited before it could load the app"));
    let p = this.loaded.get(spec.key);
    if (!p) {
      p = new Promise<void>((resolve, reject) => this.#loadWaiters.set(spec.key, { resolve, reject }));
      this.loaded.set(spec.key, p);
      p.catch(() => undefined);
      this.post({ t: "load", spec, mode });
    }
    return p;
  }

  /** Opens the thread's own listener on the node's port (runtime/pool/front.ts). */
  listen(listen: FrontListen): Promise<void> {
    if (!this.alive) return Promise.reject(new Error("the worker thread exited before it could listen"));
    const p = new Promise<void>((resolve, reject) => (this.#listenWaiter = { resolve, reject }));
    this.post({ t: "front.listen", listen });
    return p;
  }

  unload(key: string): void {
    if (this.loaded.delete(key)) this.post({ t: "unload", key });
  }

  async stats(): Promise<{ apps: WorkerAppStats[]; rss: number }> {
    if (!this.alive) return this.lastStats;
    const p = new Promise<void>((r) => this.#statsWaiters.push(r));
    this.post({ t: "stats" });
    await p;
    return this.lastStats;
  }

  /** Terminates the thread because request `seq` overran its CPU budget. */
  kill(seq: number): void {
    if (!this.alive || this.killedFor !== null) return;
    this.killedFor = seq;
    void this.worker.terminate();
  }

  get inflight(): number { return this.exchanges.size; }

  /** Share of the last sampling interval the thread's event loop was busy (0-1). */
  utilization = 0;
  #elu: ReturnType<Worker["performance"]["eventLoopUtilization"]> | undefined;

  sampleUtilization(): void {
    if (!this.alive) return;
    const now = this.worker.performance.eventLoopUtilization();
    this.utilization = this.#elu ? this.worker.performance.eventLoopUtilization(now, this.#elu).utilization : 0;
    this.#elu = now;
  }
}
