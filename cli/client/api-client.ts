// A typed client of the control plane's HTTP API (spec/replication.md) over undici, for the CLI, tests
// and benches: versions, deployments, rollback, KV, secrets, status and the logs tail. Every failure is an
// ApiError carrying the HTTP status (0 when unreachable) and the CP's `error` code and message.
import { Agent, request, type Dispatcher } from "undici";
import { pack, unpack } from "msgpackr";
import { packWithBytes } from "../../core/pack-bytes.ts";
import type { deploymentView } from "../../control-plane/api/deployment-view.ts";
import { ndjsonLines } from "../../control-plane/http/ndjson.ts";
import type { KvListResult } from "../../core/kv/semantics.ts";
import type { VersionRecord } from "../../control-plane/store/types.ts";
import type { Manifest } from "../../core/manifest.ts";
import type { Deployment } from "../../core/change-log.ts";

export type DeploymentView = ReturnType<typeof deploymentView>;
export type DeploymentRegionRow = DeploymentView["regions"][number];
export type { KvListResult };

export interface UploadResult { app: string; version: number; sha256: string; size: number; created: boolean }
export interface VersionSummary { version: number; sha256: string; size: number; uploadedAt: number; percent: number }
export interface VersionList { app: string; versions: VersionSummary[]; deployment: Deployment | null; pendingDeployId: string | null }
export interface AppSummary { name: string; lastVersion: number; deployment: Deployment | null; pendingDeployId: string | null }
export interface StatusRegion { name: string; url: string; connected: boolean; appliedSeq: number; lag: number; lastSeen: number; registeredAt: number }
export interface StatusView { head: number; regions: StatusRegion[]; apps: (AppSummary & { tokens: number })[] }
export interface DeployOptions { wait?: boolean; deadlineMs?: number }
export interface KvPutOptions { metadata?: unknown; expiration?: number; expirationTtl?: number }
export interface SecretSummary { name: string; createdAt: number; updatedAt: number }
export interface KvValue { key: string; value: Uint8Array; metadata: unknown; expiration: number | null; seq: number }

export class ApiError extends Error {
  /** HTTP status, or 0 when the control plane could not be reached. */
  readonly status: number;
  /** The CP's `error` code (e.g. `unauthorized`, `not_found`), or `unreachable`. */
  readonly code: string;
  /** `METHOD /path` of the failed call. */
  readonly call: string;
  constructor(call: string, status: number, code: string, message: string) {
    super(message);
    this.name = "ApiError";
    this.call = call;
    this.status = status;
    this.code = code;
  }
}

type Body = { json?: unknown; msgpack?: unknown; raw?: Uint8Array | string; packed?: Uint8Array[] };

const enc = encodeURIComponent;

export class ControlPlaneClient {
  readonly url: string;
  #token: string;
  #dispatcher: Agent;

  constructor(url: string, token: string, opts: { connections?: number } = {}) {
    this.url = url.replace(/\/+$/, "");
    this.#token = token;
    this.#dispatcher = new Agent({ keepAliveTimeout: 10_000, connections: opts.connections ?? 8 });
  }

  async #send(method: Dispatcher.HttpMethod, path: string, body: Body = {}, extra: { accept?: string; signal?: AbortSignal; bodyTimeout?: number; reset?: boolean } = {}): Promise<Dispatcher.ResponseData> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.#token}` };
    let payload: string | Buffer | Uint8Array | Iterable<Uint8Array> | undefined;
    if (body.json !== undefined) { headers["content-type"] = "application/json"; payload = JSON.stringify(body.json); }
    if (body.msgpack !== undefined) { headers["content-type"] = "application/x-msgpack"; payload = pack(body.msgpack); }
    if (body.raw !== undefined) { headers["content-type"] = "application/octet-stream"; payload = body.raw; }
    if (body.packed !== undefined) {
      // Pieces sent one after another (undici writes an iterable body as is), with their total length.
      headers["content-type"] = "application/x-msgpack";
      headers["content-length"] = String(body.packed.reduce((n, p) => n + p.byteLength, 0));
      payload = body.packed;
    }
    if (extra.accept) headers.accept = extra.accept;
    const call = `${method} ${path.split("?")[0]}`;
    let res: Dispatcher.ResponseData;
    try {
      res = await request(this.url + path, { method, headers, body: payload as Dispatcher.RequestOptions["body"], signal: extra.signal, dispatcher: this.#dispatcher, headersTimeout: 60_000, bodyTimeout: extra.bodyTimeout ?? 60_000, reset: extra.reset });
    } catch (err) {
      if (extra.signal?.aborted) throw err;
      const e = err as Error & { code?: string };
      throw new ApiError(call, 0, "unreachable", `cannot reach the control plane at ${this.url} (${e.code ?? e.message})`);
    }
    if (res.statusCode < 300) return res;
    const text = await res.body.text().catch(() => "");
    let code = `http_${res.statusCode}`;
    let message = text.trim().slice(0, 500) || `answered ${res.statusCode}`;
    try {
      const j = JSON.parse(text) as { error?: unknown; message?: unknown };
      if (typeof j.error === "string") code = j.error;
      if (typeof j.message === "string") message = j.message;
    } catch {
      // not JSON: keep the text
    }
    throw new ApiError(call, res.statusCode, code, message);
  }

  async #json<T>(method: Dispatcher.HttpMethod, path: string, body?: Body): Promise<T> {
    const res = await this.#send(method, path, body);
    return (await res.body.json()) as T;
  }

  /** True when `GET /healthz` answers (no token needed). */
  async healthy(): Promise<boolean> {
    try {
      const res = await request(`${this.url}/healthz`, { dispatcher: this.#dispatcher, headersTimeout: 5000 });
      await res.body.dump();
      return res.statusCode === 200;
    } catch {
      return false;
    }
  }

  status(): Promise<StatusView> { return this.#json("GET", "/v1/status"); }
  apps(): Promise<{ apps: AppSummary[] }> { return this.#json("GET", "/v1/apps"); }
  app(app: string): Promise<AppSummary & { createdAt: number }> { return this.#json("GET", `/v1/apps/${enc(app)}`); }

  /** A new deploy token for `app` (admin); it is shown once. */
  createToken(app: string): Promise<{ app: string; token: string }> { return this.#json("POST", `/v1/apps/${enc(app)}/tokens`); }

  /** Uploads a built component with its manifest (the build's manifest.json). */
  uploadVersion(app: string, manifest: Manifest, component: Uint8Array): Promise<UploadResult> {
    return this.#json("POST", `/v1/apps/${enc(app)}/versions`, { packed: packWithBytes({ manifest }, "component", component) });
  }

  /**
   * The upload, sending the component only when the control plane lacks it: when one of the app's
   * versions has this component, the manifest alone (`{manifest}`: a new version of a stored component,
   * or the latest one again when that is this component and manifest, `created: false`); otherwise the
   * whole upload. Reads the component only when it is sent.
   */
  async uploadVersionIfNew(app: string, manifest: Manifest, component: () => Promise<Uint8Array>): Promise<UploadResult> {
    const versions = await this.versions(app).then((l) => l.versions, () => [] as VersionSummary[]);
    if (versions.some((v) => v.sha256 === manifest.sha256)) {
      try {
        return await this.#json("POST", `/v1/apps/${enc(app)}/versions`, { msgpack: { manifest } });
      } catch (err) {
        if (!(err instanceof ApiError && err.code === "component_needed")) throw err; // removed meanwhile: send it
      }
    }
    return this.uploadVersion(app, manifest, await component());
  }

  versions(app: string): Promise<VersionList> { return this.#json("GET", `/v1/apps/${enc(app)}/versions`); }
  version(app: string, n: number): Promise<VersionRecord> { return this.#json("GET", `/v1/apps/${enc(app)}/versions/${n}`); }

  /** Starts a deployment of one version (100 %) or two split by percent; answers its first view. */
  deploy(app: string, versions: { version: number; percent?: number }[], opts: DeployOptions = {}): Promise<DeploymentView & { deployId: string }> {
    return this.#json("POST", `/v1/apps/${enc(app)}/deployments`, { json: { versions, ...opts } });
  }

  /** Deploys an earlier version again; without one, the version set served before the current one. */
  rollback(app: string, version?: number, opts: DeployOptions = {}): Promise<DeploymentView & { deployId: string }> {
    return this.#json("POST", `/v1/apps/${enc(app)}/rollback`, { json: { ...(version !== undefined ? { version } : {}), ...opts } });
  }

  deployment(id: string): Promise<DeploymentView> { return this.#json("GET", `/v1/deployments/${enc(id)}`); }
  deployments(app: string): Promise<{ app: string; deployments: DeploymentView[] }> { return this.#json("GET", `/v1/apps/${enc(app)}/deployments`); }

  kvPut(namespace: string, key: string, value: Uint8Array | string, opts: KvPutOptions = {}): Promise<{ seq: number; expiration?: number }> {
    const bytes = typeof value === "string" ? Buffer.from(value) : value;
    return this.#json("PUT", `/v1/kv/${enc(namespace)}/${enc(key)}`, { msgpack: { value: bytes, ...opts } });
  }

  /** The entry, or null when the key is absent (or expired). */
  async kvGet(namespace: string, key: string): Promise<KvValue | null> {
    try {
      const res = await this.#send("GET", `/v1/kv/${enc(namespace)}/${enc(key)}`, {}, { accept: "application/x-msgpack" });
      return unpack(Buffer.from(await res.body.arrayBuffer())) as KvValue;
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) return null;
      throw err;
    }
  }

  kvDelete(namespace: string, key: string): Promise<{ seq: number }> { return this.#json("DELETE", `/v1/kv/${enc(namespace)}/${enc(key)}`); }

  kvList(namespace: string, opts: { prefix?: string; cursor?: string; limit?: number } = {}): Promise<KvListResult> {
    const q = new URLSearchParams();
    if (opts.prefix !== undefined) q.set("prefix", opts.prefix);
    if (opts.cursor !== undefined) q.set("cursor", opts.cursor);
    if (opts.limit !== undefined) q.set("limit", String(opts.limit));
    const qs = q.size ? `?${q}` : "";
    return this.#json("GET", `/v1/kv/${enc(namespace)}${qs}`);
  }

  /** Sets a secret (its value is sent once and never answered). */
  secretPut(app: string, name: string, value: string): Promise<SecretSummary & { app: string; seq: number; created: boolean }> {
    return this.#json("PUT", `/v1/apps/${enc(app)}/secrets/${enc(name)}`, { json: { value } });
  }

  /** The app's secret names and times (never values). */
  secrets(app: string): Promise<{ app: string; secrets: SecretSummary[] }> { return this.#json("GET", `/v1/apps/${enc(app)}/secrets`); }

  secretDelete(app: string, name: string): Promise<{ app: string; name: string; deleted: boolean; seq: number }> {
    return this.#json("DELETE", `/v1/apps/${enc(app)}/secrets/${enc(name)}`);
  }

  /**
   * The app's live log lines from every region (NDJSON, one line at a time) until `signal` aborts or the
   * stream ends; `onOpen` is called once the control plane has answered.
   */
  async *logs(app: string, signal?: AbortSignal, onOpen?: () => void): AsyncGenerator<string> {
    // Its own connection, closed with the stream: a reconnect must not reuse a socket to a control plane
    // that is shutting down (it would answer, then cut the stream again).
    const res = await this.#send("GET", `/v1/apps/${enc(app)}/logs`, {}, { signal, bodyTimeout: 0, reset: true });
    onOpen?.();
    try {
      yield* ndjsonLines(res.body);
    } catch (err) {
      if (!signal?.aborted) throw err;
    } finally {
      res.body.destroy();
    }
  }

  close(): Promise<void> { return this.#dispatcher.close(); }
}
