// Bridges node:http to fetch-style handlers: an IncomingMessage becomes a Request (streamed body, a signal
// that aborts when the client goes away), and a Response is written back with its body streamed with
// backpressure; a streaming body is cancelled when the client disconnects.
import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";

export type FetchHandler = (request: Request) => Promise<Response>;

export function toRequest(req: IncomingMessage, signal: AbortSignal): Request {
  const headers = new Headers();
  for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i], req.rawHeaders[i + 1]);
  const host = req.headers.host ?? "127.0.0.1";
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  return new Request(`http://${host}${req.url ?? "/"}`, {
    method: req.method,
    headers,
    signal,
    ...(hasBody ? { body: Readable.toWeb(req) as ReadableStream<Uint8Array>, duplex: "half" } : {}),
  } as RequestInit);
}

export async function writeResponse(res: ServerResponse, response: Response): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  // A body the handler did not read (an early 401/413): close the connection rather than reuse it.
  if (res.req && !res.req.readableEnded && res.req.method !== "GET" && res.req.method !== "HEAD") headers.connection = "close";
  res.writeHead(response.status, headers);
  if (!response.body) {
    res.end();
    return;
  }
  // Streams (no length) get their head at once, so a follower knows it is connected.
  if (!response.headers.has("content-length")) res.flushHeaders();
  const reader = response.body.getReader();
  const onClose = () => void reader.cancel().catch(() => {});
  res.once("close", onClose);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (res.destroyed) break;
      if (!res.write(value)) {
        await new Promise<void>((resolve) => {
          const go = () => {
            res.off("drain", go);
            res.off("close", go);
            resolve();
          };
          res.on("drain", go);
          res.on("close", go);
        });
      }
    }
    res.end();
  } catch {
    res.destroy();
  } finally {
    res.off("close", onClose);
    if (res.destroyed) await reader.cancel().catch(() => {});
  }
}

const DISCARD_BYTES = 65 * 1024 * 1024;
const DISCARD_MS = 10_000;

/**
 * Reads and drops a request body the handler answered without reading (an early 401/403): a client
 * still sending a large upload would otherwise get a reset (EPIPE) instead of the answer. Bounded in
 * bytes and time; past the bounds the answer goes out with `connection: close`, as before.
 */
async function discardBody(body: ReadableStream<Uint8Array>): Promise<void> {
  const drain = (async () => {
    const reader = body.getReader();
    let bytes = 0;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done || (bytes += value.byteLength) > DISCARD_BYTES) return;
      }
    } catch {
      // the client went away
    }
  })();
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([drain, new Promise<void>((resolve) => (timer = setTimeout(resolve, DISCARD_MS)))]);
  clearTimeout(timer);
}

/** A node:http request listener running `handle` for every request. */
export function nodeListener(handle: FetchHandler): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const aborter = new AbortController();
    res.once("close", () => aborter.abort());
    void (async () => {
      let response: Response;
      const request = toRequest(req, aborter.signal);
      try {
        response = await handle(request);
      } catch (e) {
        response = new Response(JSON.stringify({ error: "internal", message: (e as Error).message }), {
          status: 500,
          headers: { "content-type": "application/json" },
        });
      }
      if (request.body && !request.bodyUsed) await discardBody(request.body);
      await writeResponse(res, response);
    })();
  };
}
