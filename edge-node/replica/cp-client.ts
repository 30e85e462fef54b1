// A region's HTTP client for the control plane (spec/replication.md), over undici with the region
// token: register, open the log stream, fetch artifacts, ack prepares, report progress and forward
// KV writes. Failures are CpErrors that say whether trying again later may succeed.
import type { Readable } from "node:stream";
import { Agent, request, type Dispatcher } from "undici";
import { pack, unpack } from "msgpackr";

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

export interface KvPutBody { value: Uint8Array; metadata?: unknown; expiration?: number; expirationTtl?: number }

/** What a replica needs from the control plane; tests substitute their own. */
export interface ControlPlaneApi {
  register(name: string, url: string): Promise<void>;
  /** The log from `from` on: a stream of concatenated msgpack values; `region` is live while it is open. */
  openLog(from: number, region: string, signal: AbortSignal): Promise<Readable>;
  artifact(sha256: string): Promise<Uint8Array>;
  ack(deployId: string, body: { region: string; ok: boolean; error?: string; ms: number }): Promise<void>;
  progress(name: string, appliedSeq: number): Promise<void>;
  kvPut(namespace: string, key: string, body: KvPutBody): Promise<{ seq: number; expiration?: number }>;
  kvDelete(namespace: string, key: string): Promise<{ seq: number }>;
}

export class HttpControlPlane implements ControlPlaneApi {
  readonly url: string;
  #token: string;
  #dispatcher: Dispatcher;

  constructor(url: string, token: string, dispatcher: Dispatcher = new Agent({ keepAliveTimeout: 10_000, connections: 16 })) {
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

  async openLog(from: number, region: string, signal: AbortSignal): Promise<Readable> {
    // The control plane pings every 5 s while idle: a longer silence means the connection is dead.
    const res = await this.#call("GET", `/v1/log?from=${from}&region=${encodeURIComponent(region)}`, { signal, bodyTimeout: 15_000 });
    return res.body;
  }

  async artifact(sha256: string): Promise<Uint8Array> {
    const res = await this.#call("GET", `/v1/artifacts/${encodeURIComponent(sha256)}`, { bodyTimeout: 60_000 });
    try {
      return new Uint8Array(await res.body.arrayBuffer());
    } catch (err) {
      throw new CpError(`control plane ${this.url}: artifact ${sha256} download broke off: ${(err as Error).message}`, 0);
    }
  }

  async ack(deployId: string, body: { region: string; ok: boolean; error?: string; ms: number }): Promise<void> {
    await (await this.#call("POST", `/v1/deployments/${encodeURIComponent(deployId)}/acks`, { json: body })).body.dump();
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

  close(): Promise<void> { return this.#dispatcher.close(); }
}
