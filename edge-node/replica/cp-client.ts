// A region's HTTP client for the control plane (spec/replication.md), over undici with the region
// token: register, open the log stream, fetch artifacts (only the parts a region lacks), ack prepares, report progress and forward
// KV writes and queue messages. Failures are CpErrors that say whether trying again later may succeed.
// A replaying region also reads a deployment's state (catch-up.ts).
import { createHash, type Hash } from "node:crypto";
import type { Readable } from "node:stream";
import type { Dispatcher } from "undici";
import { loadHttpClient } from "../../core/http-client.ts";
import { pack, unpack } from "msgpackr";
import { ByteCollector } from "../../core/byte-collector.ts";
import { chunksOf, fromParts, PARTS_MEDIA_TYPE } from "../../core/artifacts/parts.ts";
import type { PreparePhases } from "../../core/change-log.ts";
import type { OutgoingQueueMessage } from "../../runtime/events.ts";

export class CpError extends Error {
  /** HTTP status, or 0 when the control plane could not be reached. */
  readonly status: number;
  /** The `error` code of the control plane's JSON body, when it sent one. */
  readonly code: string | undefined;
  /** True when trying again later may succeed (unreachable, 5xx, 408, 429). */
  readonly transient: boolean;
  constructor(message: string, status: number, code?: string) {
    super(message);
    this.status = status;
    this.code = code;
    this.transient = status === 0 || status >= 500 || status === 408 || status === 429;
  }
}

export interface AckBody { region: string; ok: boolean; error?: string; ms: number; phases?: PreparePhases }

/** The log stream; `head` is the control plane's head seq when it opened (`x-outpost-head`). */
export type LogStream = Readable & { head?: number };

export interface KvPutBody { value: Uint8Array; metadata?: unknown; expiration?: number; expirationTtl?: number }

/** What a replica needs from the control plane; tests substitute their own. */
export interface ControlPlaneApi {
  register(name: string, url: string): Promise<void>;
  /** The log from `from` on: a stream of concatenated msgpack values; `region` is live while it is open. */
  openLog(from: number, region: string, signal: AbortSignal): Promise<LogStream>;
  artifact(sha256: string): Promise<Uint8Array>;
  ack(deployId: string, body: AckBody): Promise<void>;
  /** A deployment's state at the control plane (`preparing`, `active`, ...), or null when it has none by that id. */
  deploymentState(deployId: string): Promise<string | null>;
  progress(name: string, appliedSeq: number): Promise<void>;
  kvPut(namespace: string, key: string, body: KvPutBody): Promise<{ seq: number; expiration?: number }>;
  kvDelete(namespace: string, key: string): Promise<{ seq: number }>;
  /** Stores a guest's queue messages durably at the control plane (spec/events.md). */
  queueSend(queue: string, messages: OutgoingQueueMessage[]): Promise<void>;
}

export class HttpControlPlane implements ControlPlaneApi {
  readonly url: string;
  #token: string;
  /** Made on the first call (undici loads then, not at the node's start) unless one was given. */
  #dispatcher: Dispatcher | undefined;

  constructor(url: string, token: string, dispatcher?: Dispatcher) {
    this.url = url.replace(/\/+$/, "");
    this.#token = token;
    this.#dispatcher = dispatcher;
  }

  async #call(method: Dispatcher.HttpMethod, path: string, opts: { json?: unknown; msgpack?: unknown; signal?: AbortSignal; bodyTimeout?: number } = {}): Promise<Dispatcher.ResponseData> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.#token}` };
    let body: string | Buffer | undefined;
    if (opts.json !== undefined) { headers["content-type"] = "application/json"; body = JSON.stringify(opts.json); }
    if (opts.msgpack !== undefined) { headers["content-type"] = "application/x-msgpack"; body = pack(opts.msgpack); }
    let res: Dispatcher.ResponseData;
    try {
      const { Agent, request } = await loadHttpClient();
      this.#dispatcher ??= new Agent({ keepAliveTimeout: 10_000, connections: 16 });
      res = await request(this.url + path, { method, headers, body, signal: opts.signal, dispatcher: this.#dispatcher, headersTimeout: 10_000, bodyTimeout: opts.bodyTimeout ?? 30_000 });
    } catch (err) {
      throw new CpError(`control plane ${this.url} unreachable (${method} ${path}): ${(err as Error).message}`, 0);
    }
    if (res.statusCode >= 200 && res.statusCode < 300) return res;
    const text = await res.body.text().catch(() => "");
    let code: string | undefined;
    let message = text.slice(0, 500);
    try {
      const j = JSON.parse(text) as { error?: string; message?: string };
      code = j.error;
      message = j.message ?? j.error ?? message;
    } catch { /* not JSON */ }
    throw new CpError(`control plane answered ${res.statusCode} to ${method} ${path}: ${message}`, res.statusCode, code);
  }

  /** Reads a JSON or msgpack answer. */
  async #decode<T>(res: Dispatcher.ResponseData): Promise<T> {
    const type = String(res.headers["content-type"] ?? "");
    if (type.includes("msgpack")) return unpack(Buffer.from(await res.body.arrayBuffer())) as T;
    const text = await res.body.text();
    return (text ? JSON.parse(text) : {}) as T;
  }

  async register(name: string, url: string): Promise<void> {
    await (await this.#call("POST", "/v1/regions", { json: { name, url } })).body.dump();
  }

  async openLog(from: number, region: string, signal: AbortSignal): Promise<LogStream> {
    // The control plane pings every 5 s while idle: a longer silence means the connection is dead.
    const res = await this.#call("GET", `/v1/log?from=${from}&region=${encodeURIComponent(region)}`, { signal, bodyTimeout: 15_000 });
    const head = Number(res.headers["x-outpost-head"]);
    return Object.assign(res.body, Number.isSafeInteger(head) ? { head } : {});
  }

  async artifact(sha256: string): Promise<Uint8Array> {
    return (await this.fetchArtifact(sha256)).bytes;
  }

  /**
   * The artifact and the SHA-256 of its bytes. With `localChunk` (the region's chunk store), it asks
   * for the artifact's parts file and downloads only the chunks it lacks (each checked against its
   * name), then hashes the reassembled bytes; otherwise, or when the control plane has the artifact
   * whole, the bytes are hashed as they stream in. `received` counts the bytes that came over the wire.
   */
  async fetchArtifact(sha256: string, localChunk?: (sha256: string) => Uint8Array | undefined): Promise<{ bytes: Uint8Array; sha256: string; received: number }> {
    const path = `/v1/artifacts/${encodeURIComponent(sha256)}${localChunk ? "?parts=1" : ""}`;
    const res = await this.#call("GET", path, { bodyTimeout: 60_000 });
    const parts = String(res.headers["content-type"] ?? "").startsWith(PARTS_MEDIA_TYPE);
    const hash = parts ? null : createHash("sha256");
    const file = await this.#readBody(res, `artifact ${sha256}`, hash);
    if (!parts) return { bytes: file, sha256: hash!.digest("hex"), received: file.byteLength };
    let received = file.byteLength;
    let usedLocal = false;
    const chunks = new Map<string, Uint8Array>(); // each read (a 9 MB local file) or downloaded once
    for (const chunk of new Set(chunksOf(file))) {
      const local = localChunk?.(chunk);
      if (local) {
        chunks.set(chunk, local);
        usedLocal = true;
        continue;
      }
      const check = createHash("sha256");
      const bytes = await this.#readBody(await this.#call("GET", `/v1/chunks/${chunk}`, { bodyTimeout: 60_000 }), `artifact chunk ${chunk}`, check);
      if (check.digest("hex") !== chunk) throw new CpError(`control plane ${this.url}: artifact chunk ${chunk} arrived with other bytes`, 0);
      chunks.set(chunk, bytes);
      received += bytes.byteLength;
    }
    const whole = fromParts(file, (chunk) => chunks.get(chunk));
    const digest = whole && createHash("sha256").update(whole).digest("hex");
    // A local chunk damaged on disk (or parts that do not fit): the whole artifact once more, as one download.
    if (!whole || (digest !== sha256 && usedLocal)) return this.fetchArtifact(sha256);
    return { bytes: new Uint8Array(whole.buffer, whole.byteOffset, whole.byteLength), sha256: digest!, received };
  }

  /** A response body read into one buffer (core/byte-collector.ts), hashed as it streams when asked. */
  async #readBody(res: Dispatcher.ResponseData, what: string, hash: Hash | null): Promise<Uint8Array> {
    const body = new ByteCollector(Number(res.headers["content-length"] ?? NaN));
    try {
      for await (const chunk of res.body as AsyncIterable<Buffer>) {
        hash?.update(chunk);
        body.add(chunk);
      }
    } catch (err) {
      throw new CpError(`control plane ${this.url}: ${what}: download broke off: ${(err as Error).message}`, 0);
    }
    const all = body.bytes();
    if (!all) throw new CpError(`control plane ${this.url}: ${what}: content-length ${body.declared} but ${body.size} bytes arrived`, 0);
    return new Uint8Array(all.buffer, all.byteOffset, all.byteLength);
  }

  async ack(deployId: string, body: AckBody): Promise<void> {
    await (await this.#call("POST", `/v1/deployments/${encodeURIComponent(deployId)}/acks`, { json: body })).body.dump();
  }

  async deploymentState(deployId: string): Promise<string | null> {
    try {
      return (await this.#decode<{ state: string }>(await this.#call("GET", `/v1/deployments/${encodeURIComponent(deployId)}`))).state;
    } catch (err) {
      if (err instanceof CpError && err.status === 404) return null;
      throw err;
    }
  }

  async progress(name: string, appliedSeq: number): Promise<void> {
    await (await this.#call("POST", `/v1/regions/${encodeURIComponent(name)}/progress`, { json: { appliedSeq } })).body.dump();
  }

  async kvPut(namespace: string, key: string, body: KvPutBody): Promise<{ seq: number; expiration?: number }> {
    const res = await this.#call("PUT", `/v1/kv/${encodeURIComponent(namespace)}/${encodeURIComponent(key)}`, { msgpack: body });
    return this.#decode(res);
  }

  async kvDelete(namespace: string, key: string): Promise<{ seq: number }> {
    return this.#decode(await this.#call("DELETE", `/v1/kv/${encodeURIComponent(namespace)}/${encodeURIComponent(key)}`));
  }

  async queueSend(queue: string, messages: OutgoingQueueMessage[]): Promise<void> {
    await (await this.#call("POST", `/v1/queues/${encodeURIComponent(queue)}/messages`, { msgpack: { messages } })).body.dump();
  }

  close(): Promise<void> { return this.#dispatcher?.close() ?? Promise.resolve(); }
}
