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

export interface KVGetOptions<Type extends KVValueType = KVValueType> {
  type?: Type;
  /** Accepted for Workers compatibility and ignored: reads come from the region's replica. */
  cacheTtl?: number;
}

export type KVPutValue = string | ArrayBuffer | ArrayBufferView | ReadableStream;

export interface KVPutOptions {
  /** Seconds since the Unix epoch; at least 60 s from now. */
  expiration?: number;
  /** Seconds from now; at least 60. */
  expirationTtl?: number;
  /** Any JSON-serializable value, at most 1024 bytes as JSON. */
  metadata?: unknown;
}

export interface KVListOptions {
  prefix?: string | null;
  /** 1-1000; defaults to 1000. */
  limit?: number;
  /** The `cursor` of the previous page. */
  cursor?: string | null;
}

export interface KVListKey<Metadata = unknown> { name: string; expiration?: number; metadata?: Metadata }
export type KVListResult<Metadata = unknown> =
  | { keys: KVListKey<Metadata>[]; list_complete: false; cursor: string; cacheStatus: null }
  | { keys: KVListKey<Metadata>[]; list_complete: true; cacheStatus: null };

export interface KVValueWithMetadata<Value, Metadata> { value: Value | null; metadata: Metadata | null; cacheStatus: null }

/** A KV namespace binding (`kv_namespaces` in the config), with Workers KV's API. */
export interface KVNamespace {
  get(key: string, options?: "text" | KVGetOptions<"text">): Promise<string | null>;
  get<T = unknown>(key: string, options: "json" | KVGetOptions<"json">): Promise<T | null>;
  get(key: string, options: "arrayBuffer" | KVGetOptions<"arrayBuffer">): Promise<ArrayBuffer | null>;
  get(key: string, options: "stream" | KVGetOptions<"stream">): Promise<ReadableStream | null>;
  getWithMetadata<Metadata = unknown>(key: string, options?: "text" | KVGetOptions<"text">): Promise<KVValueWithMetadata<string, Metadata>>;
  getWithMetadata<T = unknown, Metadata = unknown>(key: string, options: "json" | KVGetOptions<"json">): Promise<KVValueWithMetadata<T, Metadata>>;
  getWithMetadata<Metadata = unknown>(key: string, options: "arrayBuffer" | KVGetOptions<"arrayBuffer">): Promise<KVValueWithMetadata<ArrayBuffer, Metadata>>;
  getWithMetadata<Metadata = unknown>(key: string, options: "stream" | KVGetOptions<"stream">): Promise<KVValueWithMetadata<ReadableStream, Metadata>>;
  /** Bulk reads: up to 100 keys, as text or JSON; a Map with every key (null when missing). */
  get(keys: string[], options?: "text" | KVGetOptions<"text">): Promise<Map<string, string | null>>;
  get<T = unknown>(keys: string[], options: "json" | KVGetOptions<"json">): Promise<Map<string, T | null>>;
  getWithMetadata<Metadata = unknown>(keys: string[], options?: "text" | KVGetOptions<"text">): Promise<Map<string, KVValueWithMetadata<string, Metadata>>>;
  getWithMetadata<T = unknown, Metadata = unknown>(keys: string[], options: "json" | KVGetOptions<"json">): Promise<Map<string, KVValueWithMetadata<T, Metadata>>>;
  put(key: string, value: KVPutValue, options?: KVPutOptions): Promise<void>;
  delete(key: string): Promise<void>;
  list<Metadata = unknown>(options?: KVListOptions): Promise<KVListResult<Metadata>>;
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
