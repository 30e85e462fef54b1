// Inside a worker thread: a request that arrived as messages, shaped like the parts of Node's
// IncomingMessage the HTTP bridge reads, and a response shaped like the parts of ServerResponse
// it writes, which posts its head and body chunks back to the main thread with flow control.
import { EventEmitter } from "node:events";
import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { pairs } from "../http-host.ts";
import { WINDOW, type FromWorker, type Pairs, type RequestHead } from "./protocol.ts";

export class MessageRequest extends Readable {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly rawHeaders: string[];
  rawTrailers: string[] = [];
  #pendingAck = 0;
  #ack: (bytes: number) => void;

  constructor(head: RequestHead, ack: (bytes: number) => void) {
    super({ highWaterMark: WINDOW });
    this.method = head.method;
    this.url = head.path;
    this.rawHeaders = head.headers.flat();
    this.headers = {};
    for (const [k, v] of head.headers) this.headers[k.toLowerCase()] = v;
    this.headers.host ??= head.authority;
    this.#ack = ack;
    if (!head.hasBody) this.push(null);
  }

  _read(): void {
    if (this.#pendingAck) {
      this.#ack(this.#pendingAck);
      this.#pendingAck = 0;
    }
  }

  chunk(data: Uint8Array): void {
    if (this.push(data)) this.#ack(data.byteLength);
    else this.#pendingAck += data.byteLength;
  }

  end(trailers?: Pairs): void {
    if (trailers) this.rawTrailers = trailers.flat();
    this.push(null);
  }

  asIncomingMessage(): IncomingMessage { return this as unknown as IncomingMessage; }
}

export class MessageResponse extends EventEmitter {
  readonly id: number;
  headersSent = false;
  statusCode = 200;
  #post: (m: FromWorker) => void;
  #unacked = 0;
  #trailers: Pairs | undefined;
  #ended = false;

  constructor(id: number, post: (m: FromWorker) => void) {
    super();
    this.id = id;
    this.#post = post;
  }

  writeHead(status: number, headers: Record<string, string> | string[]): this {
    this.statusCode = status;
    this.headersSent = true;
    this.#post({ t: "head", id: this.id, status, headers: Array.isArray(headers) ? pairs(headers) : Object.entries(headers) });
    return this;
  }

  write(chunk: Uint8Array | string): boolean {
    const bytes = typeof chunk === "string" ? new TextEncoder().encode(chunk) : chunk;
    if (bytes.byteLength === 0) return true;
    this.#unacked += bytes.byteLength;
    this.#post({ t: "chunk", id: this.id, chunk: bytes });
    return this.#unacked < WINDOW;
  }

  ack(bytes: number): void {
    const wasFull = this.#unacked >= WINDOW;
    this.#unacked -= bytes;
    if (wasFull && this.#unacked < WINDOW) this.emit("drain");
  }

  addTrailers(trailers: Pairs): void { this.#trailers = trailers; }

  end(chunk?: Uint8Array | string | (() => void), cb?: () => void): this {
    if (typeof chunk === "function") { cb = chunk; chunk = undefined; }
    if (chunk) this.write(chunk);
    if (!this.#ended) {
      this.#ended = true;
      this.#post({ t: "done", id: this.id, trailers: this.#trailers });
    }
    cb?.();
    return this;
  }

  /** The exchange is broken (client gone, or a body limit): tell the main thread to abort. */
  destroy(): this {
    if (!this.#ended) {
      this.#ended = true;
      this.#post({ t: "fail", id: this.id, status: 502, message: "the response was aborted" });
    }
    this.emit("close");
    return this;
  }

  /** The client went away (main thread said so). */
  closeFromClient(): void { this.emit("close"); }

  asServerResponse(): ServerResponse { return this as unknown as ServerResponse; }
}
