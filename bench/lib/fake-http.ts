// In-process stand-ins for node:http's IncomingMessage and ServerResponse, just enough for the runtime's
// HTTP bridge: a bodiless GET, and a response that records status and bytes and says when it ended.
// Used to time the runtime without sockets, so the numbers hold only the host and the guest.
import type { IncomingMessage, ServerResponse } from "node:http";

export function fakeRequest(path: string, method = "GET"): IncomingMessage {
  const req = {
    method,
    url: path,
    headers: { host: "bench.local" },
    rawHeaders: ["host", "bench.local"],
    rawTrailers: [] as string[],
    async *[Symbol.asyncIterator]() {},
  };
  return req as unknown as IncomingMessage;
}

export interface FakeResponse {
  res: ServerResponse;
  status(): number;
  bytes(): number;
  /** Resolves when end() or destroy() was called; true when it ended normally. */
  ended: Promise<boolean>;
}

export function fakeResponse(): FakeResponse {
  let status = 0;
  let bytes = 0;
  let settle!: (ok: boolean) => void;
  const ended = new Promise<boolean>((r) => (settle = r));
  const count = (chunk: unknown) => {
    if (typeof chunk === "string") bytes += Buffer.byteLength(chunk);
    else if (chunk instanceof Uint8Array) bytes += chunk.byteLength;
  };
  const res = {
    headersSent: false,
    writeHead(code: number) { status = code; res.headersSent = true; return res; },
    write(chunk: unknown) { count(chunk); return true; },
    end(a?: unknown, b?: unknown) {
      const cb = typeof a === "function" ? a : typeof b === "function" ? b : undefined;
      if (typeof a !== "function") count(a);
      settle(true);
      if (cb) queueMicrotask(cb as () => void);
      return res;
    },
    addTrailers() {},
    destroy() { settle(false); return res; },
    on() { return res; },
    once() { return res; },
    off() { return res; },
  };
  return { res: res as unknown as ServerResponse, status: () => status, bytes: () => bytes, ended };
}
