// What an Outpost app author imports from "outpost": the Workers-shaped handler types and the
// binding types found on `env`. Types only; the guest runtime lives in sdk/guest/.

export interface ExecutionContext {
  /** Keeps the instance working on `promise` after the response is sent. */
  waitUntil(promise: Promise<unknown>): void;
  /** Accepted for Workers compatibility; Outpost has no origin to fall back to, so it does nothing. */
  passThroughOnException(): void;
}

export interface ScheduledController {
  readonly cron: string;
  /** Milliseconds since the Unix epoch at which this firing was due. */
  readonly scheduledTime: number;
  readonly type: "scheduled";
  noRetry(): void;
}

export interface Message<Body = unknown> {
  readonly id: string;
  readonly timestamp: Date;
  readonly body: Body;
  readonly attempts: number;
  ack(): void;
  retry(options?: { delaySeconds?: number }): void;
}

export interface MessageBatch<Body = unknown> {
  readonly queue: string;
  readonly messages: readonly Message<Body>[];
  ackAll(): void;
  retryAll(options?: { delaySeconds?: number }): void;
}

export type KVValueType = "text" | "json" | "arrayBuffer" | "stream";

export interface KVPutOptions {
  /** Seconds since the Unix epoch. */
  expiration?: number;
  /** Seconds from now; at least 60. */
  expirationTtl?: number;
  metadata?: unknown;
}

export interface KVListKey<Metadata = unknown> { name: string; expiration?: number; metadata?: Metadata }
export type KVListResult<Metadata = unknown> =
  | { keys: KVListKey<Metadata>[]; list_complete: false; cursor: string }
  | { keys: KVListKey<Metadata>[]; list_complete: true; cursor?: undefined };

export interface KVNamespace {
  get(key: string, options?: "text" | { type?: "text" }): Promise<string | null>;
  get<T = unknown>(key: string, options: "json" | { type: "json" }): Promise<T | null>;
  get(key: string, options: "arrayBuffer" | { type: "arrayBuffer" }): Promise<ArrayBuffer | null>;
  get(key: string, options: "stream" | { type: "stream" }): Promise<ReadableStream | null>;
  getWithMetadata<Metadata = unknown>(key: string, options?: KVValueType | { type?: KVValueType }): Promise<{ value: any; metadata: Metadata | null }>;
  put(key: string, value: string | ArrayBuffer | ArrayBufferView | ReadableStream, options?: KVPutOptions): Promise<void>;
  delete(key: string): Promise<void>;
  list<Metadata = unknown>(options?: { prefix?: string; limit?: number; cursor?: string }): Promise<KVListResult<Metadata>>;
}

export type QueueContentType = "json" | "text" | "bytes" | "v8";
export interface Queue<Body = unknown> {
  send(body: Body, options?: { contentType?: QueueContentType; delaySeconds?: number }): Promise<void>;
  sendBatch(messages: Iterable<{ body: Body; contentType?: QueueContentType; delaySeconds?: number }>): Promise<void>;
}

/** The default export of an Outpost app. Every handler is optional. */
export interface Worker<Env = Record<string, unknown>> {
  fetch?(request: Request, env: Env, ctx: ExecutionContext): Response | Promise<Response>;
  scheduled?(controller: ScheduledController, env: Env, ctx: ExecutionContext): void | Promise<void>;
  queue?(batch: MessageBatch, env: Env, ctx: ExecutionContext): void | Promise<void>;
}

/** Workers' older name for the same shape. */
export type ExportedHandler<Env = Record<string, unknown>> = Worker<Env>;
