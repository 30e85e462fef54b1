// Host side of Outpost's own interfaces (spec/wit/outpost.wit): config, log, kv and queue. KV and
// queues are served by backends the embedder passes in (an edge node's replica); an app only
// reaches the namespaces and queues its config binds, anything else is `unknown-namespace`.
import type { OutgoingQueueMessage, QueueSender } from "../events.ts";

export type LogLevel = "debug" | "info" | "warn" | "error";

export interface KvValue { value: Uint8Array; metadata?: string; expiration?: number }
export interface KvListResult { keys: Array<{ name: string; expiration?: number; metadata?: string }>; listComplete: boolean; cursor?: string }
export interface KvBackend {
  get(namespace: string, key: string): KvValue | undefined;
  put(namespace: string, key: string, value: Uint8Array, options: { expiration?: number; expirationTtl?: number; metadata?: string }): Promise<void>;
  delete(namespace: string, key: string): Promise<void>;
  list(namespace: string, options: { prefix?: string; limit?: number; cursor?: string }): KvListResult;
}

export interface OutpostHostOptions {
  /** JSON text returned by config.bindings(). */
  bindings: string;
  /** binding name -> namespace id */
  kvNamespaces: Map<string, string>;
  /** binding name -> queue name */
  queues: Map<string, string>;
  kv?: KvBackend;
  queue?: QueueSender;
  log(level: LogLevel, message: string, fields: Record<string, unknown> | undefined): void;
}

/** A guest's queue send where the embedder gave no QueueSender gets this Err. */
export const QUEUES_UNAVAILABLE = "queues are not available on this node";

const kvError = (tag: "unknown-namespace" | "invalid" | "unavailable", val: string) => ({ payload: { tag, val } });

function toKvError(err: unknown): { payload: { tag: string; val: string } } {
  const e = err as { kvError?: "invalid" | "unavailable"; message?: string };
  return kvError(e?.kvError ?? "unavailable", e?.message ?? String(err));
}

export function outpostImports(opts: OutpostHostOptions) {
  const namespace = (binding: string) => {
    const id = opts.kvNamespaces.get(binding);
    if (!id) throw kvError("unknown-namespace", `no KV namespace is bound as "${binding}" in this app's config`);
    if (!opts.kv) throw kvError("unavailable", "KV is not available on this node");
    return { id, kv: opts.kv };
  };
  const queueName = (binding: string) => {
    const name = opts.queues.get(binding);
    if (!name) throw `no queue producer is bound as "${binding}" in this app's config`;
    if (!opts.queue) throw QUEUES_UNAVAILABLE;
    return { name, queue: opts.queue };
  };
  const levels: LogLevel[] = ["debug", "info", "warn", "error"];
  return {
    config: { bindings: () => opts.bindings },
    log: {
      write(level: LogLevel | number, message: string, fields: string) {
        let parsed: Record<string, unknown> | undefined;
        if (fields) try { parsed = JSON.parse(fields); } catch { parsed = { fields }; }
        opts.log(typeof level === "number" ? levels[level] : level, message, parsed);
      },
    },
    kv: {
      get(binding: string, key: string) {
        const { id, kv } = namespace(binding);
        try {
          const v = kv.get(id, key);
          return v ? { value: v.value, metadata: v.metadata } : undefined;
        } catch (err) { throw toKvError(err); }
      },
      async put(binding: string, key: string, value: Uint8Array, options: { expiration?: bigint; expirationTtl?: bigint; metadata?: string }) {
        const { id, kv } = namespace(binding);
        try {
          await kv.put(id, key, value, {
            expiration: options.expiration === undefined ? undefined : Number(options.expiration),
            expirationTtl: options.expirationTtl === undefined ? undefined : Number(options.expirationTtl),
            metadata: options.metadata,
          });
        } catch (err) { throw toKvError(err); }
      },
      async delete(binding: string, key: string) {
        const { id, kv } = namespace(binding);
        try { await kv.delete(id, key); } catch (err) { throw toKvError(err); }
      },
      listKeys(binding: string, options: { prefix?: string; limit?: number; cursor?: string }) {
        const { id, kv } = namespace(binding);
        try {
          const r = kv.list(id, options);
          return {
            keys: r.keys.map((k) => ({ name: k.name, expiration: k.expiration === undefined ? undefined : BigInt(k.expiration), metadata: k.metadata })),
            listComplete: r.listComplete,
            cursor: r.cursor,
          };
        } catch (err) { throw toKvError(err); }
      },
    },
    queue: {
      async send(binding: string, message: OutgoingQueueMessage) {
        const { name, queue } = queueName(binding);
        try { await queue.send(name, [message]); } catch (err) { throw err instanceof Error ? err.message : String(err); }
      },
      async sendBatch(binding: string, messages: OutgoingQueueMessage[]) {
        const { name, queue } = queueName(binding);
        try { await queue.send(name, messages); } catch (err) { throw err instanceof Error ? err.message : String(err); }
      },
    },
  };
}
