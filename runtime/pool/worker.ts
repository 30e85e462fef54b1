// A runtime worker thread: hosts the apps the pool loads on it (components compiled once on the
// main thread and posted here), serves the requests the pool forwards as messages, meters guest
// CPU time into the shared buffer the pool's watchdog reads, and reports stats and logs.
import { parentPort, workerData } from "node:worker_threads";
import { ComponentApp } from "../app.ts";
import { fromPosted } from "../component.ts";
import { preloadHttpClient } from "../host/http-outgoing.ts";
import { CpuMeter, threadId } from "./cpu-meter.ts";
import { IdleInstances } from "./idle-instances.ts";
import { MessageRequest, MessageResponse } from "./message-http.ts";
import type { KvBackend } from "../host/outpost.ts";
import type { AppSpec, FromWorker, KvModuleSpec, KvWrite, ToWorker } from "./protocol.ts";

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
if (!process.env.OUTPOST_NO_METER) meter.install();
void preloadHttpClient(); // in the background: the thread is ready before its HTTP client is
const idle = new IdleInstances(data.idleBytes);
const apps = new Map<string, ComponentApp>();
const loading = new Map<string, Promise<ComponentApp>>();
const exchanges = new Map<number, { req: MessageRequest; res: MessageResponse }>();

// KV: reads are the backend module's own; writes are forwarded to the main thread, which answers.
const kvWaiters = new Map<number, { resolve(): void; reject(err: Error): void }>();
let kvIds = 0;
const forwardKv = (write: KvWrite) => new Promise<void>((resolve, reject) => {
  const id = ++kvIds;
  kvWaiters.set(id, { resolve, reject });
  post({ t: "kv", id, write });
});
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

async function load(spec: AppSpec, warm: boolean): Promise<ComponentApp> {
  const component = await fromPosted(spec.component);
  const app = new ComponentApp(component, {
    name: spec.name,
    version: spec.version,
    vars: spec.vars,
    secrets: spec.secrets,
    kvNamespaces: spec.kvNamespaces,
    queues: spec.queues,
    kv,
    limits: spec.limits,
    spares: spec.spares,
    onLog: (line) => post({ t: "log", line }),
    cacheDir: data.cacheDir,
    meter,
    idle,
  });
  await app.warm({ throwaway: warm });
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
    exchanges.delete(m.id);
    post({ t: "served", id: m.id, info });
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
      const p = load(m.spec, m.warm);
      loading.set(m.spec.key, p);
      p.then(
        () => post({ t: "loaded", key: m.spec.key, ms: performance.now() - t }),
        (err: Error) => post({ t: "loaded", key: m.spec.key, ms: performance.now() - t, error: err.message }),
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
    case "stats": return post(stats());
    case "kv.done": {
      const w = kvWaiters.get(m.id);
      kvWaiters.delete(m.id);
      if (m.error) w?.reject(Object.assign(new Error(m.error.message), { kvError: m.error.kvError ?? "unavailable" }));
      else w?.resolve();
      return;
    }
  }
});

post({ t: "ready", tid: threadId() });
