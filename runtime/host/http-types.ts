// wasi:http/types resources shared by both directions: bodies, trailers and the response-outparam,
// plus the incoming-request the host hands to `incoming-handler.handle` and the outgoing-response
// the guest hands back. Method and scheme variants are converted here, once.
import { Fields } from "./fields.ts";
import { IoError, Pollable } from "./poll.ts";
import { InputStream, OutputStream, type ChunkSource, type Sink } from "./streams.ts";

export type Method = { tag: string; val?: string };
export type Scheme = { tag: "HTTP" | "HTTPS" | "other"; val?: string };
export type ErrorCode = { tag: string; val?: unknown };

const METHODS = ["get", "head", "post", "put", "delete", "connect", "options", "trace", "patch"];

export function methodToWasi(method: string): Method {
  const lower = method.toLowerCase();
  return METHODS.includes(lower) && method === method.toUpperCase() ? { tag: lower } : { tag: "other", val: method };
}

export function methodFromWasi(method: Method): string {
  return method.tag === "other" ? String(method.val) : method.tag.toUpperCase();
}

export function schemeToWasi(scheme: string): Scheme {
  if (scheme === "http") return { tag: "HTTP" };
  if (scheme === "https") return { tag: "HTTPS" };
  return { tag: "other", val: scheme };
}

export function schemeFromWasi(scheme: Scheme | undefined): string {
  if (!scheme || scheme.tag === "HTTPS") return "https";
  return scheme.tag === "HTTP" ? "http" : String(scheme.val);
}

const once = (what: string) => ({ payload: undefined, message: `${what} was already taken` });

export class FutureTrailers {
  #trailers: Promise<Fields | undefined>;
  #value: { ok: Fields | undefined } | { err: ErrorCode } | null = null;
  #taken = false;
  constructor(trailers: Promise<Fields | undefined>) {
    this.#trailers = trailers;
    trailers.then((t) => { this.#value = { ok: t }; }, (e) => { this.#value = { err: { tag: "internal-error", val: String(e) } }; });
  }
  subscribe(): Pollable { return new Pollable(this.#trailers); }
  get(): unknown {
    if (!this.#value) return undefined;
    if (this.#taken) return { tag: "err" };
    this.#taken = true;
    return { tag: "ok", val: "ok" in this.#value ? { tag: "ok", val: this.#value.ok } : { tag: "err", val: this.#value.err } };
  }
}

/** An incoming body (request or upstream response): one stream, then trailers. */
export class IncomingBody {
  #stream: InputStream | null;
  #trailers: Promise<Fields | undefined>;
  constructor(source: AsyncIterable<Uint8Array> | ChunkSource | null, trailers: () => Fields | undefined) {
    let ended: () => void = () => {};
    this.#trailers = new Promise<void>((r) => (ended = r)).then(trailers);
    this.#stream = new InputStream(source, ended);
  }
  stream(): InputStream {
    const s = this.#stream;
    if (!s) throw once("incoming-body.stream");
    this.#stream = null;
    return s;
  }
  static finish(body: IncomingBody): FutureTrailers { return new FutureTrailers(body.#trailers); }
}

export class IncomingRequest {
  #method: string; #path: string; #scheme: string; #authority: string;
  #headers: Fields;
  #body: IncomingBody | null;
  constructor(init: { method: string; path: string; scheme: string; authority: string; headers: Fields; body: IncomingBody }) {
    this.#method = init.method; this.#path = init.path; this.#scheme = init.scheme; this.#authority = init.authority;
    this.#headers = init.headers; this.#body = init.body;
  }
  method(): Method { return methodToWasi(this.#method); }
  pathWithQuery(): string { return this.#path; }
  scheme(): Scheme { return schemeToWasi(this.#scheme); }
  authority(): string { return this.#authority; }
  headers(): Fields { return this.#headers; }
  consume(): IncomingBody {
    const b = this.#body;
    if (!b) throw once("incoming-request.consume");
    this.#body = null;
    return b;
  }
}

/** The body a guest writes (response or outgoing request). `done` settles at `finish` or on drop. */
export class OutgoingBody {
  readonly stream: OutputStream;
  #streamTaken = false;
  #finished = false;
  readonly done: Promise<{ trailers?: Fields; aborted: boolean }>;
  #resolve!: (v: { trailers?: Fields; aborted: boolean }) => void;

  constructor(limit?: (bytes: number) => string | null) {
    this.stream = new OutputStream(null, limit);
    this.done = new Promise((r) => (this.#resolve = r));
  }
  attach(sink: Sink): void { this.stream.attach(sink); }
  write(): OutputStream {
    if (this.#streamTaken) throw once("outgoing-body.write");
    this.#streamTaken = true;
    return this.stream;
  }
  static finish(body: OutgoingBody, trailers: Fields | undefined): void {
    body.#finished = true;
    body.stream.close();
    body.#resolve({ trailers, aborted: false });
  }
  /** Dropped without finish: the body is incomplete and the message must be aborted. */
  [Symbol.dispose](): void {
    if (!this.#finished) {
      this.stream.close();
      this.#resolve({ aborted: true });
    }
  }
}

export class OutgoingResponse {
  #status = 200;
  #headers: Fields;
  #body: OutgoingBody | null = null;
  #bodyTaken = false;
  constructor(headers: Fields) { this.#headers = headers.freeze(); }
  statusCode(): number { return this.#status; }
  setStatusCode(code: number): void {
    if (code < 100 || code > 999) throw { payload: undefined };
    this.#status = code;
  }
  headers(): Fields { return this.#headers; }
  body(): OutgoingBody {
    if (this.#bodyTaken) throw once("outgoing-response.body");
    this.#bodyTaken = true;
    this.#body = new OutgoingBody();
    return this.#body;
  }
  /** The body the guest took, or an empty finished one. */
  takenBody(): OutgoingBody {
    if (!this.#body) {
      this.#body = new OutgoingBody();
      OutgoingBody.finish(this.#body, undefined);
    }
    return this.#body;
  }
}

export type OutparamResult = { tag: "ok"; val: OutgoingResponse } | { tag: "err"; val: ErrorCode };

export class ResponseOutparam {
  #onSet: ((r: OutparamResult) => void) | null;
  constructor(onSet: (r: OutparamResult) => void) { this.#onSet = onSet; }
  static set(param: ResponseOutparam, response: OutparamResult): void {
    const cb = param.#onSet;
    if (!cb) throw new Error("response-outparam.set called twice");
    param.#onSet = null;
    cb(response);
  }
}

export function httpErrorCode(err: IoError): ErrorCode | undefined {
  return err instanceof IoError ? { tag: "internal-error", val: err.message } : undefined;
}
