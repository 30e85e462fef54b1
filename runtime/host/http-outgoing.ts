// wasi:http outgoing side: outgoing-request, request-options, incoming-response and the
// outgoing-handler, sending through undici. The body streams while the guest writes it; the
// per-request subrequest budget is checked by the caller-supplied `admit` before each send.
import { Readable } from "node:stream";
import type { Dispatcher } from "undici";
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

/**
 * undici takes ~100 ms to import: a thread starts loading it at once (preloadHttpClient) but
 * does not wait for it, and the first outgoing request awaits whatever is left.
 */
let undici: Promise<typeof import("undici")> | undefined;
export function preloadHttpClient(): Promise<typeof import("undici")> {
  undici ??= import("undici");
  return undici;
}

function errorCode(errors: typeof import("undici").errors, err: unknown): ErrorCode {
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
  const promise: Promise<Settled> = preloadHttpClient().then(({ request, errors }) => request(url, {
    method,
    headers,
    body,
    dispatcher: ctx.dispatcher,
    headersTimeout: ns(options?.firstByte),
    bodyTimeout: ns(options?.betweenBytes),
  }).then(
    (res) => {
      let trailers: Fields | undefined;
      const incoming = new IncomingBody(res.body as AsyncIterable<Uint8Array>, () => trailers);
      res.body.on("end", () => { trailers = Object.keys(res.trailers).length ? Fields.fromHost(Object.entries(res.trailers) as Array<[string, string]>) : undefined; });
      const pairs: Array<[string, string]> = [];
      for (const [k, v] of Object.entries(res.headers)) for (const x of Array.isArray(v) ? v : [v ?? ""]) pairs.push([k, x]);
      return { ok: new IncomingResponse(res.statusCode, Fields.fromHost(pairs), incoming) };
    },
    (err) => {
      ctx.failed(url, (err as Error)?.message ?? String(err));
      return { err: errorCode(errors, err) };
    },
  ));
  return new FutureIncomingResponse(promise);
}
