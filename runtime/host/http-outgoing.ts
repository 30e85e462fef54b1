// wasi:http outgoing side: outgoing-request, request-options, incoming-response and the
// outgoing-handler, sending through undici's dispatcher API (a handler object, no response stream:
// the body's chunks go straight into a BodyQueue the guest reads, see spec/runtime.md "Outgoing fetch
// cost"). The request body streams while the guest writes it; the per-request subrequest budget is
// checked by the caller-supplied `admit` before each send.
import { Readable } from "node:stream";
import type { Dispatcher } from "undici";
import { loadHttpClient, loadedHttpClient } from "../../core/http-client.ts";
import { BodyQueue } from "./body-queue.ts";
import { Fields } from "./fields.ts";
import { IncomingBody, OutgoingBody, methodFromWasi, schemeFromWasi, type ErrorCode, type Method, type Scheme } from "./http-types.ts";
import { Pollable } from "./poll.ts";

export class RequestOptions {
  connect: bigint | undefined; firstByte: bigint | undefined; betweenBytes: bigint | undefined;
  connectTimeout(): bigint | undefined { return this.connect; }
  setConnectTimeout(d: bigint | undefined): void { this.connect = d; }
  firstByteTimeout(): bigint | undefined { return this.firstByte; }
  setFirstByteTimeout(d: bigint | undefined): void { this.firstByte = d; }
  betweenBytesTimeout(): bigint | undefined { return this.betweenBytes; }
  setBetweenBytesTimeout(d: bigint | undefined): void { this.betweenBytes = d; }
}

export class OutgoingRequest {
  #method: Method = { tag: "get" };
  #path: string | undefined;
  #scheme: Scheme | undefined;
  #authority: string | undefined;
  #headers: Fields;
  #body: OutgoingBody | null = null;
  constructor(headers: Fields) { this.#headers = headers.freeze(); }
  method(): Method { return this.#method; }
  setMethod(m: Method): void { this.#method = m; }
  pathWithQuery(): string | undefined { return this.#path; }
  setPathWithQuery(p: string | undefined): void { this.#path = p; }
  scheme(): Scheme | undefined { return this.#scheme; }
  setScheme(s: Scheme | undefined): void { this.#scheme = s; }
  authority(): string | undefined { return this.#authority; }
  setAuthority(a: string | undefined): void { this.#authority = a; }
  headers(): Fields { return this.#headers; }
  body(): OutgoingBody {
    if (this.#body) throw { payload: undefined };
    this.#body = new OutgoingBody();
    return this.#body;
  }
  /** The body the guest took, if any (read by the handler when sending). */
  takenBody(): OutgoingBody | null { return this.#body; }
}

export class IncomingResponse {
  readonly #status: number;
  readonly #headers: Fields;
  #body: IncomingBody | null;
  constructor(status: number, headers: Fields, body: IncomingBody) { this.#status = status; this.#headers = headers; this.#body = body; }
  status(): number { return this.#status; }
  headers(): Fields { return this.#headers; }
  consume(): IncomingBody {
    const b = this.#body;
    if (!b) throw { payload: undefined };
    this.#body = null;
    return b;
  }
}

type Settled = { ok: IncomingResponse } | { err: ErrorCode };

export class FutureIncomingResponse {
  #promise: Promise<Settled>;
  #value: Settled | null = null;
  #taken = false;
  constructor(promise: Promise<Settled>) {
    this.#promise = promise;
    promise.then((v) => { this.#value = v; });
  }
  subscribe(): Pollable { return new Pollable(this.#promise); }
  get(): unknown {
    if (!this.#value) return undefined;
    if (this.#taken) return { tag: "err" };
    this.#taken = true;
    return { tag: "ok", val: "ok" in this.#value ? { tag: "ok", val: this.#value.ok } : { tag: "err", val: this.#value.err } };
  }
}

type Undici = typeof import("undici");

function errorCode(errors: Undici["errors"], err: unknown): ErrorCode {
  const e = err as { code?: string; message?: string; cause?: { code?: string } };
  const code = e?.code ?? e?.cause?.code;
  if (err instanceof errors.HeadersTimeoutError) return { tag: "HTTP-response-timeout" };
  if (err instanceof errors.BodyTimeoutError) return { tag: "HTTP-response-timeout" };
  if (err instanceof errors.ConnectTimeoutError) return { tag: "connection-timeout" };
  if (code === "ECONNREFUSED") return { tag: "connection-refused" };
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return { tag: "DNS-error", val: { rcode: code, infoCode: undefined } };
  if (code === "ECONNRESET" || code === "UND_ERR_SOCKET") return { tag: "connection-terminated" };
  return { tag: "internal-error", val: e?.message ?? String(err) };
}

type Controller = Dispatcher.DispatchController;

/**
 * undici's handler for one outgoing request: settles the future at the response head (or the error),
 * then feeds the body's chunks into a BodyQueue, pausing the connection while the guest is behind.
 */
function responseHandler(errors: Undici["errors"], settle: (s: Settled) => void, failed: (message: string) => void): Dispatcher.DispatchHandler {
  let queue: BodyQueue | null = null;
  let trailers: Fields | undefined;
  let dropped = false;
  return {
    onRequestStart() {},
    onResponseStart(controller: Controller, statusCode: number, headers: Record<string, string | string[] | undefined>) {
      if (statusCode < 200) return; // 1xx: informational, the real head follows
      queue = new BodyQueue({
        pause: () => controller.pause(),
        resume: () => controller.resume(),
        cancel: () => { dropped = true; controller.abort(new Error("the guest dropped the response body")); },
      });
      const pairs: Array<[string, string]> = [];
      for (const k in headers) {
        const v = headers[k];
        if (Array.isArray(v)) for (const x of v) pairs.push([k, x]);
        else pairs.push([k, v ?? ""]);
      }
      settle({ ok: new IncomingResponse(statusCode, Fields.fromHost(pairs), new IncomingBody(queue, () => trailers)) });
    },
    onResponseData(_controller: Controller, chunk: Uint8Array) { queue?.push(chunk); },
    onResponseEnd(_controller: Controller, received: Record<string, string | string[] | undefined>) {
      const entries = Object.entries(received ?? {}).flatMap(([k, v]) => (Array.isArray(v) ? v : [v ?? ""]).map((x): [string, string] => [k, x]));
      trailers = entries.length ? Fields.fromHost(entries) : undefined;
      queue?.end();
    },
    onResponseError(_controller: Controller | null, err: Error) {
      if (dropped) return;
      failed(err?.message ?? String(err));
      if (queue) queue.fail(err);
      else settle({ err: errorCode(errors, err) });
    },
  };
}

const ns = (d: bigint | undefined) => (d === undefined ? undefined : Number(d / 1_000_000n));

export interface OutgoingContext {
  dispatcher?: Dispatcher;
  /** Returns an error message when the request may not be sent (subrequest limit). */
  admit(url: URL): string | null;
  /** Told why a request failed; the guest only sees an error code (JS: a NetworkError). */
  failed(url: URL, message: string): void;
}

/** wasi:http/outgoing-handler.handle */
export function sendRequest(ctx: OutgoingContext, req: OutgoingRequest, options: RequestOptions | undefined): FutureIncomingResponse {
  const scheme = schemeFromWasi(req.scheme());
  if (scheme !== "http" && scheme !== "https") throw { payload: { tag: "HTTP-protocol-error" } };
  const authority = req.authority();
  if (!authority) throw { payload: { tag: "HTTP-request-URI-invalid" } };
  let url: URL;
  try { url = new URL(`${scheme}://${authority}${req.pathWithQuery() ?? "/"}`); } catch { throw { payload: { tag: "HTTP-request-URI-invalid" } }; }
  const refusal = ctx.admit(url);
  if (refusal) {
    ctx.failed(url, refusal);
    throw { payload: { tag: "HTTP-request-denied" } };
  }

  const method = methodFromWasi(req.method());
  const outBody = req.takenBody();
  let body: Readable | undefined;
  if (outBody && method !== "GET" && method !== "HEAD") {
    const readable = new Readable({ read() {} });
    outBody.attach({ write: (chunk) => { readable.push(chunk); } });
    void outBody.done.then(({ aborted }) => (aborted ? readable.destroy(new Error("request body dropped before finish")) : readable.push(null)));
    body = readable;
  }
  const headers = req.headers().toHost().flat();
  const opts: Dispatcher.DispatchOptions = {
    origin: url.origin,
    path: url.pathname + url.search,
    method: method as Dispatcher.HttpMethod,
    headers,
    body,
    headersTimeout: ns(options?.firstByte),
    bodyTimeout: ns(options?.betweenBytes),
  };
  const send = (u: Undici) => new Promise<Settled>((settle) => {
    const handler = responseHandler(u.errors, settle, (message) => ctx.failed(url, message));
    try {
      (ctx.dispatcher ?? u.getGlobalDispatcher()).dispatch(opts, handler);
    } catch (err) {
      handler.onResponseError!(null as unknown as Controller, err as Error);
    }
  });
  const loaded = loadedHttpClient(); // dispatched in the guest's own call once undici is loaded
  return new FutureIncomingResponse(loaded ? send(loaded) : loadHttpClient().then(send));
}
