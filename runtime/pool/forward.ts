// Hands a request a worker thread's own listener does not serve itself to the main thread's server
// (runtime/pool/front.ts): the node's endpoints (health, metrics, logs, events) and requests no route
// in the thread's table matches. Streams both ways (a log tail stays open), over one keep-alive client.
import type { IncomingMessage, ServerResponse } from "node:http";
import { pipeline } from "node:stream/promises";
import type { Client } from "undici";
import { loadHttpClient } from "../../core/http-client.ts";

/** Hop-by-hop headers: they describe one connection, not the request, and undici refuses most of them. */
const HOP = new Set(["connection", "keep-alive", "transfer-encoding", "upgrade", "proxy-connection", "te", "trailer", "expect"]);

const clients = new Map<string, Client>();
const clientFor = async (origin: string) => {
  let c = clients.get(origin);
  if (!c) {
    const { Client } = await loadHttpClient();
    c = clients.get(origin) ?? new Client(origin, { keepAliveTimeout: 10_000, headersTimeout: 0, bodyTimeout: 0 });
    clients.set(origin, c);
  }
  return c;
};

export async function forwardRequest(req: IncomingMessage, res: ServerResponse, origin: string): Promise<void> {
  const headers: string[] = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    if (!HOP.has(req.rawHeaders[i].toLowerCase())) headers.push(req.rawHeaders[i], req.rawHeaders[i + 1]);
  }
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  const abort = new AbortController();
  res.once("close", () => abort.abort());
  try {
    const answer = await (await clientFor(origin)).request({
      method: req.method ?? "GET", path: req.url ?? "/", headers, body: hasBody ? req : undefined, signal: abort.signal,
    });
    if (!hasBody) req.resume();
    const out: string[] = [];
    for (const [k, v] of Object.entries(answer.headers)) {
      if (HOP.has(k) || v === undefined) continue;
      for (const one of Array.isArray(v) ? v : [v]) out.push(k, one);
    }
    res.writeHead(answer.statusCode, out);
    await pipeline(answer.body, res);
  } catch (err) {
    if (res.headersSent) return void res.destroy();
    if (abort.signal.aborted) return;
    res.writeHead(502, { "content-type": "text/plain; charset=utf-8", "x-outpost-error": "1" });
    res.end(`this node's main thread did not answer: ${(err as Error).message}\n`);
  }
}
