// A runtime worker thread: hosts the apps the pool loads on it (components compiled once on the
// main thread and posted here), serves the requests and runs the events the pool forwards as
// messages, and the requests of its own listener on the node's port when the pool gives it one
// (runtime/pool/front.ts), meters guest CPU time into the shared buffer the pool's watchdog reads,
// forwards its guests' KV writes and queue sends to the main thread, and reports stats and logs.
import { parentPort, workerData } from "node:worker_threads";
import { ComponentApp } from "../app.ts";
import { fromPosted } from "../component.ts";
import { loadHttpClient } from "../../core/http-client.ts";
import { startMark } from "../../core/start-trace.ts";
import { CpuMeter, threadId } from "./cpu-meter.ts";
import { IdleInstances } from "./idle-instances.ts";
import { WorkerFront } from "./front.ts";
import { installInterruptHook } from "./self-interrupt.ts";
import { MessageRequest, MessageResponse } from "./message-http.ts";
import type { QueueSender } from "../events.ts";
import type { KvBackend } from "../host/outpost.ts";
import type { LoadMode, PostedApp, FromWorker, KvModuleSpec, KvWrite, ToWorker } from "./protocol.ts";

export interface WorkerData {
  meter: SharedArrayBuffer;
  idleBytes: number;
  cacheDir: string;
  kv?: KvModuleSpec;
}

const data = workerData as WorkerData;
const port = parentPort!;
const post = (m: FromWorker) => {
  if (m.t === "chunk") port.postMessage(m, [m.chunk.buffer as ArrayBuffer]);
  else port.postMessage(m);
};

const meter = new CpuMeter(data.meter);
if (!process.env.OUTPOST_NO_METER) {
  meter.install();
  installInterruptHook(meter, killed);
}
void loadHttpClient(); // in the background (guests' fetch): the thread is ready before its HTTP client is
const idle = new IdleInstances(data.idleBytes);
const apps = new Map<string, ComponentApp>();
const loading = new Map<string, Promise<ComponentApp>>();
/** Versions this thread's listener asked the pool for ("want"), waiting for their "load". */
const wanted = new Map<string, { promise: Promise<ComponentApp>; resolve(app: ComponentApp): void; reject(err: Error): void }>();
function appFor(key: string): ComponentApp | Promise<ComponentApp> {
  const app = apps.get(key) ?? loading.get(key);
  if (app) return app;
  let w = wanted.get(key);
  if (!w) {
    let resolve!: (app: ComponentApp) => void, reject!: (err: Error) => void;
    const promise = new Promise<ComponentApp>((res, rej) => { resolve = res; reject = rej; });
    w = { promise, resolve, reject };
    wanted.set(key, w);
    post({ t: "want", key });
  }
  return w.promise;
}
function settleWant(key: string, app: ComponentApp | Error): void {
  const w = wanted.get(key);
  wanted.delete(key);
  if (app instanceof Error) w?.reject(app);
  else w?.resolve(app);
}
const front = new WorkerFront({ app: appFor, served: (records) => post({ t: "served.batch", records }) });
const exchanges = new Map<number, { req: MessageRequest; res: MessageResponse }>();
/** Events running here, by id: their start, for the result of one the CPU watchdog cuts short. */
const events = new Map<number, number>();
/**
 * Warm keys (CompiledComponent.warmKey) this thread has warmed: V8 keeps what it compiled lazily for
 * a module and its glue, so a later app of the same code here (a config-only deploy, a secret reload,
 * another JS app of the same toolchain) serves its first request as fast without another throwaway run.
 */
const warmed = new Set<string>();

// Calls the main thread answers ("kv.done", "queue.done"): KV writes and queue sends.
const waiters = new Map<number, { resolve(): void; reject(err: Error): void }>();
let callIds = 0;
const askMain = (message: (id: number) => FromWorker) => new Promise<void>((resolve, reject) => {
  const id = ++callIds;
  waiters.set(id, { resolve, reject });
  post(message(id));
});
function answered(id: number, error?: Error): void {
  const w = waiters.get(id);
  waiters.delete(id);
  if (error) w?.reject(error);
  else w?.resolve();
}

// KV: reads are the backend module's own; writes are forwarded to the main thread.
const forwardKv = (write: KvWrite) => askMain((id) => ({ t: "kv", id, write }));
async function kvBackend(spec: KvModuleSpec | undefined): Promise<KvBackend | undefined> {
  if (!spec) return undefined;
  try {
    const mod = (await import(spec.module)) as { createKvBackend(options: unknown, forward: typeof forwardKv): KvBackend | Promise<KvBackend> };
    return await mod.createKvBackend(spec.options, forwardKv);
  } catch (err) {
    post({ t: "log", line: { ts: Date.now(), app: "-", level: "error", source: "host", message: `KV is unavailable on this thread: ${(err as Error).message}` } });
    return undefined;
  }
}
const kv = await kvBackend(data.kv);
// Queue sends always go to the main thread: it has the pool's QueueSender, or refuses them.
const queue: QueueSender = { send: (name, messages) => askMain((id) => ({ t: "queue", id, queue: name, messages })) };

async function load(spec: PostedApp, mode: LoadMode): Promise<ComponentApp> {
  const { key: _key, component: posted, ...appSpec } = spec;
  const component = await fromPosted(posted);
  const app = new ComponentApp(component, {
    ...appSpec,
    kv,
    queue,
    onLog: (line) => post({ t: "log", line }),
    cacheDir: data.cacheDir,
    meter,
    idle,
  });
  const id = spec.component.warmKey;
  // A deploy runs the throwaway warm-up unless this thread already warmed the same code, and is
  // answered before its spare is instantiated: the ack does not wait for it. A load ahead warms too
  // but keeps no spare (memory only where requests come); a request waiting gets its spare now.
  const warm = mode !== "first-use";
  await app.warm({ throwaway: warm && !warmed.has(id), spares: mode === "deploy" ? "later" : mode === "ahead" ? "none" : "now" });
  if (warm) warmed.add(id);
  apps.set(spec.key, app);
  return app;
}

function serve(m: Extract<ToWorker, { t: "request" }>): void {
  const req = new MessageRequest(m.head, (bytes) => post({ t: "ack", id: m.id, bytes }));
  const res = new MessageResponse(m.id, post);
  exchanges.set(m.id, { req, res });
  const app = apps.get(m.key);
  if (!app) {
    exchanges.delete(m.id);
    post({ t: "fail", id: m.id, status: 503, message: `app version ${m.key} is not loaded on this thread` });
    return;
  }
  // The exchange id doubles as the CPU account's number, which the pool's watchdog reads.
  void app.serve(req.asIncomingMessage(), res.asServerResponse(), m.requestId, m.id).then((info) => {
    if (!exchanges.delete(m.id)) return; // cut short by the CPU watchdog: answered by killed()
    post({ t: "served", id: m.id, info });
  });
}

/**
 * The CPU watchdog cut request or event `seq` short (runtime/pool/self-interrupt.ts): its guest was
 * unwound mid-run, so nothing of it will answer; answer for it here. The pool retires this thread
 * once its other requests are done, so the instance it held and its app's counts need no repair.
 */
function killed(seq: number): void {
  const limit = `exceeded its CPU limit (limits.cpu_ms) and was stopped`;
  if (front.killed(seq, `this request ${limit}`)) return;
  if (exchanges.has(seq)) {
    exchanges.delete(seq);
    post({ t: "fail", id: seq, status: 503, message: `this request ${limit}` });
    post({ t: "served", id: seq, info: { status: 503, limit: "cpu" } });
  }
  const started = events.get(seq);
  if (started !== undefined) {
    events.delete(seq);
    post({ t: "event.done", id: seq, result: { ok: false, error: limit, limit: "cpu", ms: performance.now() - started } });
  }
}

function runEvent(m: Extract<ToWorker, { t: "event" }>): void {
  const app = apps.get(m.key);
  events.set(m.id, performance.now());
  // The event id doubles as the CPU account's number, as a request's does.
  const result = app
    ? app.event(m.event, m.requestId, m.id)
    : Promise.resolve({ ok: false as const, error: `app version ${m.key} is not loaded on this thread`, ms: 0 });
  void result.then((r) => {
    if (events.delete(m.id)) post({ t: "event.done", id: m.id, result: r });
  });
}

function stats(): FromWorker {
  return {
    t: "stats",
    rss: process.memoryUsage.rss(),
    apps: [...apps].map(([key, app]) => ({ key, ...app.stats })),
  };
}

port.on("message", (m: ToWorker) => {
  switch (m.t) {
    case "load": {
      if (apps.has(m.spec.key) || loading.has(m.spec.key)) { post({ t: "loaded", key: m.spec.key, ms: 0 }); return; }
      const t = performance.now();
      const p = load(m.spec, m.mode);
      loading.set(m.spec.key, p);
      p.then(
        (app) => { post({ t: "loaded", key: m.spec.key, ms: performance.now() - t }); settleWant(m.spec.key, app); },
        (err: Error) => { post({ t: "loaded", key: m.spec.key, ms: performance.now() - t, error: err.message }); settleWant(m.spec.key, err); },
      ).finally(() => loading.delete(m.spec.key));
      return;
    }
    case "unload": {
      const app = apps.get(m.key);
      apps.delete(m.key);
      void app?.close();
      return;
    }
    case "request": return serve(m);
    case "body": return exchanges.get(m.id)?.req.chunk(m.chunk);
    case "end": return exchanges.get(m.id)?.req.end(m.trailers);
    case "abort": {
      const x = exchanges.get(m.id);
      x?.req.destroy(new Error(m.reason));
      x?.res.closeFromClient();
      return;
    }
    case "ack": return exchanges.get(m.id)?.res.ack(m.bytes);
    case "stats":
      front.flush(); // the records of what it served first: a metrics scrape counts every request answered before it
      return post(stats());
    case "kv.done": return answered(m.id, m.error && Object.assign(new Error(m.error.message), { kvError: m.error.kvError ?? "unavailable" }));
    case "queue.done": return answered(m.id, m.error === undefined ? undefined : new Error(m.error));
    case "event": return runEvent(m);
    case "front.listen":
      front.listen(m.listen).then(() => post({ t: "front.listening" }), (err: Error) => post({ t: "front.listening", error: err.message }));
      return;
    case "front.routes": return front.routes(m.apps);
    case "front.close":
      void front.close().then(() => {
        front.flush(); // before the pool stops this thread: what it served last still counts
        post({ t: "front.closed" });
      });
      return;
    case "want.failed": return settleWant(m.key, new Error(m.message));
  }
});

startMark("thread-ready", `thread ${threadId()}`);
post({ t: "ready", tid: threadId() });
