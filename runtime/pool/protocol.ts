// Messages between the pool (main thread) and its worker threads. Request and response bodies
// travel as chunks with credit-based flow control: a receiver acknowledges the bytes it has
// consumed, and a sender keeps at most WINDOW bytes unacknowledged per request.
import type { PostedComponent } from "../component.ts";
import type { AppLimits, ServeInfo } from "../app.ts";
import type { LogLine } from "../logs.ts";

export const WINDOW = 1 << 20;

export type Pairs = Array<[string, string]>;

/** How a worker builds an app: everything ComponentApp needs except the backends. */
export interface AppSpec {
  key: string;          // `${name}@${version}`: one loaded version on a worker
  name: string;
  version: string;
  component: PostedComponent;
  vars: Record<string, unknown>;
  secrets: Record<string, string>;
  kvNamespaces: Array<{ binding: string; id: string }>;
  queues: Array<{ binding: string; queue: string }>;
  limits: AppLimits;
  /** Idle instances kept ready for this app. */
  spares: number;
}

export interface RequestHead {
  method: string;
  path: string;
  authority: string;
  scheme: string;
  headers: Pairs;
  hasBody: boolean;
}

export type ToWorker =
  | { t: "load"; spec: AppSpec; warm: boolean }
  | { t: "unload"; key: string }
  | { t: "request"; id: number; key: string; requestId: string; head: RequestHead }
  | { t: "body"; id: number; chunk: Uint8Array }
  | { t: "end"; id: number; trailers?: Pairs }
  | { t: "abort"; id: number; reason: string }
  | { t: "ack"; id: number; bytes: number }
  | { t: "stats" };

export interface WorkerAppStats {
  key: string;
  requests: number;
  instancesCreated: number;
  instancesLive: number;
  instancesIdle: number;
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
  | { t: "stats"; apps: WorkerAppStats[]; rss: number };
