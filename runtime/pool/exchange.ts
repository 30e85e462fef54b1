// One request on the main thread while a worker thread serves it: forwards the client's request
// (head, body chunks with flow control, trailers) and writes the worker's response to the client.
// The request body is kept (up to RETRY_BYTES) until the response starts, so when the thread dies
// under it for another request's fault the request can be replayed on another thread.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ServeInfo } from "../../core/limits.ts";
import { hostError, pairs } from "../http-host.ts";
import { WINDOW, type FromWorker, type RequestHead } from "./protocol.ts";
import type { ExchangeSink, RuntimeThread } from "./thread.ts";

const RETRY_BYTES = 1 << 20;

let nextId = 0;
/** Numbers exchanges and events alike: a thread's sinks and the watchdog's culprit share one id space. */
export const nextExchangeId = () => ++nextId;

export class Exchange implements ExchangeSink {
  readonly id = nextExchangeId();
  readonly #req: IncomingMessage;
  readonly #res: ServerResponse;
  readonly #head: RequestHead;
  readonly #requestId: string;
  #thread: RuntimeThread | null = null;
  #key = "";
  #sent: Uint8Array[] = [];
  #sentBytes = 0;
  #replayable = true;
  #ended = false;
  #unacked = 0;
  #started = false;
  #finished = false;
  /** The response is complete on the client side; the worker may still be running waitUntil work. */
  #responded = false;
  #settle!: (info: ServeInfo) => void;
  readonly done: Promise<ServeInfo>;
  #info: ServeInfo = { status: 0 };
  /** Called with the thread to retry on, or null when the request cannot be retried. */
  onRetry: ((ex: Exchange) => void) | null = null;

  constructor(req: IncomingMessage, res: ServerResponse, requestId: string) {
    this.#req = req;
    this.#res = res;
    this.#requestId = requestId;
    const hasBody = req.method !== "GET" && req.method !== "HEAD";
    this.#head = { method: req.method ?? "GET", path: req.url ?? "/", authority: req.headers.host ?? "localhost", scheme: "http", headers: pairs(req.rawHeaders), hasBody };
    this.done = new Promise((r) => (this.#settle = r));
    req.on("data", (chunk: Buffer) => this.#forward(chunk));
    req.on("end", () => {
      this.#ended = true;
      this.#thread?.post({ t: "end", id: this.id, trailers: req.rawTrailers.length ? pairs(req.rawTrailers) : undefined });
    });
    req.on("error", () => this.#abort("the client's request failed"));
    res.on("close", () => { if (!this.#finished && !this.#responded) this.#abort("the client closed the connection"); });
    if (!hasBody) req.resume();
  }

  get started(): boolean { return this.#started; }

  /** Sends the request to `thread` (again, on a retry: head plus the body seen so far). */
  run(thread: RuntimeThread, key: string): void {
    this.#thread = thread;
    this.#key = key;
    this.#unacked = 0;
    thread.exchanges.set(this.id, this);
    thread.post({ t: "request", id: this.id, key, requestId: this.#requestId, head: this.#head });
    for (const chunk of this.#sent) thread.post({ t: "body", id: this.id, chunk: chunk.slice() });
    if (this.#ended) thread.post({ t: "end", id: this.id });
  }

  #forward(chunk: Buffer): void {
    const copy = new Uint8Array(chunk); // a private buffer, so it can be transferred
    if (this.#replayable) {
      this.#sentBytes += copy.byteLength;
      if (this.#sentBytes <= RETRY_BYTES) this.#sent.push(copy.slice());
      else { this.#replayable = false; this.#sent = []; }
    }
    this.#unacked += copy.byteLength;
    if (this.#unacked >= WINDOW) this.#req.pause();
    this.#thread?.post({ t: "body", id: this.id, chunk: copy });
  }

  onMessage(m: FromWorker): void {
    const res = this.#res;
    switch (m.t) {
      case "ack":
        this.#unacked -= m.bytes;
        if (this.#unacked < WINDOW && this.#req.isPaused()) this.#req.resume();
        return;
      case "head": {
        this.#started = true;
        this.#sent = [];
        this.#info.status = m.status;
        res.writeHead(m.status, m.headers.flat());
        return;
      }
      case "chunk":
        if (res.write(m.chunk)) this.#thread?.post({ t: "ack", id: this.id, bytes: m.chunk.byteLength });
        else res.once("drain", () => this.#thread?.post({ t: "ack", id: this.id, bytes: m.chunk.byteLength }));
        return;
      case "done":
        if (m.trailers) res.addTrailers(m.trailers);
        this.#responded = true;
        res.end();
        return;
      case "fail":
        this.#fail(m.status, m.message);
        return;
      case "served":
        this.#info = { ...m.info, status: this.#info.status || m.info.status };
        this.#finish();
        return;
    }
  }

  onThreadDeath(culprit: boolean): void {
    this.#thread = null;
    if (this.#finished) return;
    if (culprit) {
      this.#info.limit = "cpu";
      this.#fail(503, "this request exceeded its CPU limit (limits.cpu_ms); the worker running it was stopped", "cpu");
      return this.#finish();
    }
    if (!this.#started && this.#replayable && this.onRetry) return this.onRetry(this);
    if (!this.#responded) this.#fail(503, "the worker thread serving this request stopped; retry the request");
    this.#finish();
  }

  #fail(status: number, message: string, limit?: string): void {
    const res = this.#res;
    this.#responded = true;
    if (!res.headersSent) this.#info.status = status;
    hostError(res, status, message, this.#requestId, limit);
  }

  #abort(reason: string): void {
    if (this.#finished || this.#responded) return;
    this.#responded = true;
    this.#thread?.post({ t: "abort", id: this.id, reason });
  }

  #finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#thread?.exchanges.delete(this.id);
    this.#settle(this.#info);
  }

  get key(): string { return this.#key; }
}
