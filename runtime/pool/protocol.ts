// Messages between the pool (main thread) and its worker threads. Request and response bodies
// travel as chunks with credit-based flow control: a receiver acknowledges the bytes it has
// consumed, and a sender keeps at most WINDOW bytes unacknowledged per request. Events (scheduled,
// queue) travel whole in one message each way; their bodies are bounded by the queues' limits.
import type { PostedComponent } from "../component.ts";
import type { ServeInfo } from "../../core/limits.ts";
import type { AppSpec } from "../app-spec.ts";
import type { AppEvent, EventResult, OutgoingQueueMessage } from "../events.ts";
import type { LogLine } from "../../core/logs/line.ts";
import type { Route } from "../../core/config/routes.ts";

export const WINDOW = 1 << 20;

export type Pairs = Array<[string, string]>;

/** How a worker builds an app: the app (runtime/app-spec.ts) and its compiled component; the backends are the thread's. */
export interface PostedApp extends AppSpec {
  key: string;          // `${name}@${version}`: one loaded version on a worker
  version: string;
  component: PostedComponent;
}

/** A KV write a guest made on a worker thread, sent to the main thread, which owns the writes. */
export type KvWrite =
  | { op: "put"; namespace: string; key: string; value: Uint8Array; options: { expiration?: number; expirationTtl?: number; metadata?: string } }
  | { op: "delete"; namespace: string; key: string };

/**
 * How a worker thread builds its KV backend: it imports `module`, which exports
 * `createKvBackend(options, forward): KvBackend | Promise<KvBackend>`; reads are the module's own
 * (e.g. a read-only view of the region store), writes go through `forward` to the main thread.
 */
export interface KvModuleSpec { module: string; options: unknown }

export interface RequestHead {
  method: string;
  path: string;
  authority: string;
  scheme: string;
  headers: Pairs;
  hasBody: boolean;
}

/** What a worker's own listener routes (runtime/pool/front.ts): an app's routes and the versions serving it. */
export interface FrontApp {
  name: string;
  routes: Route[];
  versions: Array<{ key: string; percent: number }>;
}

/** Where a worker's own listener is and where it forwards what it does not serve itself. */
export interface FrontListen {
  host: string;
  port: number;
  /** Origin of the main thread's own server: node endpoints (/_outpost/...) and requests no route in the worker's table matches. */
  forward: string;
}

/** One request a worker's own listener served, for the node's metrics. */
export interface ServedRecord {
  app: string;
  status: number;
  seconds: number;
  coldStartMs?: number;
  limit?: ServeInfo["limit"];
  /** With OUTPOST_TRACE_REQUESTS=1: µs per step (runtime/request-trace.ts). */
  steps?: number[];
}

/**
 * How a thread loads an app version: "deploy" (its home thread: throwaway warm-up, spares made after
 * the ack), "ahead" (every other thread of a node whose threads own listeners, in the background:
 * warm-up, no spare until a request needs one), "first-use" (a request is waiting: spares now).
 */
export type LoadMode = "deploy" | "ahead" | "first-use";

export type ToWorker =
  | { t: "load"; spec: PostedApp; mode: LoadMode }
  | { t: "unload"; key: string }
  | { t: "request"; id: number; key: string; requestId: string; head: RequestHead }
  | { t: "body"; id: number; chunk: Uint8Array }
  | { t: "end"; id: number; trailers?: Pairs }
  | { t: "abort"; id: number; reason: string }
  | { t: "ack"; id: number; bytes: number }
  | { t: "stats" }
  | { t: "kv.done"; id: number; error?: { message: string; kvError?: "invalid" | "unavailable" } }
  /** Runs an event; `id` shares the exchanges' numbering (the CPU watchdog reports it). */
  | { t: "event"; id: number; key: string; requestId: string; event: AppEvent }
  /** The main thread's answer to a guest's queue send (`error`: the text the guest gets as Err). */
  | { t: "queue.done"; id: number; error?: string }
  /** Listen on the node's port too (reusePort: the kernel spreads connections over the threads). */
  | { t: "front.listen"; listen: FrontListen }
  /** The routes the thread's listener serves (replaces the previous table). */
  | { t: "front.routes"; apps: FrontApp[] }
  /** Stop accepting connections and close them as they go idle (the thread is retired); answered by "front.closed". */
  | { t: "front.close" }
  /** A version this thread asked for ("want") cannot be loaded. */
  | { t: "want.failed"; key: string; message: string };

export interface WorkerAppStats {
  key: string;
  requests: number;
  instancesCreated: number;
  instancesLive: number;
  instancesIdle: number;
  /** Throwaway warm-up runs (none when the thread had already warmed the same compiled modules). */
  warmups: number;
  discarded: number;
  evicted: number;
}

export type FromWorker =
  | { t: "ready"; tid: string | null }
  | { t: "loaded"; key: string; error?: string; ms: number }
  | { t: "head"; id: number; status: number; headers: Pairs }
  | { t: "chunk"; id: number; chunk: Uint8Array }
  | { t: "done"; id: number; trailers?: Pairs }
  /** The exchange failed; `status` is sent if the head was not yet. */
  | { t: "fail"; id: number; status: number; message: string }
  | { t: "ack"; id: number; bytes: number }
  /** The runtime finished with the request (after the response): what it did, for metrics. */
  | { t: "served"; id: number; info: ServeInfo }
  | { t: "log"; line: LogLine }
  | { t: "stats"; apps: WorkerAppStats[]; rss: number }
  | { t: "kv"; id: number; write: KvWrite }
  | { t: "event.done"; id: number; result: EventResult }
  /** A guest's queue send on a worker thread, for the main thread's QueueSender. */
  | { t: "queue"; id: number; queue: string; messages: OutgoingQueueMessage[] }
  | { t: "front.listening"; error?: string }
  /** The thread's listener has closed its last connection (after "front.close"). */
  | { t: "front.closed" }
  /** The thread's listener routed a request to a version it has not loaded: load it here. */
  | { t: "want"; key: string }
  /** Requests the thread's listener served since the last batch (sent every 100 ms, and before any stats). */
  | { t: "served.batch"; records: ServedRecord[] };
