// The HTTP edge of the guest: a wasi:http incoming-request becomes a standard Request, and a
// Response is written back through the response-outparam with a streamed body.
import { Fields, OutgoingBody, OutgoingResponse, ResponseOutparam, type IncomingRequest } from "wasi:http/types@0.2.10";
import { pipeBody, readableFrom, writeAll } from "./body.ts";

const decoder = new TextDecoder();
const encoder = new TextEncoder();

export function toRequest(req: IncomingRequest): Request {
  const m = req.method();
  const method = m.tag === "other" ? String(m.val) : m.tag.toUpperCase();
  const scheme = req.scheme();
  const proto = !scheme ? "https" : scheme.tag === "other" ? String(scheme.val) : scheme.tag.toLowerCase();
  const url = `${proto}://${req.authority() ?? "localhost"}${req.pathWithQuery() ?? "/"}`;
  const headers = new Headers();
  for (const [name, value] of req.headers().entries()) headers.append(name, decoder.decode(value));
  const hasBody = method !== "GET" && method !== "HEAD";
  const body = hasBody ? readableFrom(req.consume().stream()) : null;
  return new Request(url, { method, headers, body, duplex: "half" } as RequestInit);
}

/** Sends `response`; the returned promise settles when the body is fully written and finished. */
export async function sendResponse(response: Response, outparam: ResponseOutparam): Promise<void> {
  const fields = new Fields();
  response.headers.forEach((value, name) => {
    try { fields.append(name, encoder.encode(value)); } catch { /* forbidden hop-by-hop header: the host owns the connection */ }
  });
  const out = new OutgoingResponse(fields);
  out.setStatusCode(response.status);
  const body = out.body();
  ResponseOutparam.set(outparam, { tag: "ok", val: out });
  const stream = body.write();
  try {
    await pipeBody(response.body, stream);
  } finally {
    stream[Symbol.dispose]?.();
  }
  OutgoingBody.finish(body, undefined);
}

export function sendError(outparam: ResponseOutparam, status: number, message: string): void {
  const headers = new Fields();
  headers.append("content-type", encoder.encode("text/plain; charset=utf-8"));
  const out = new OutgoingResponse(headers);
  out.setStatusCode(status);
  const body = out.body();
  ResponseOutparam.set(outparam, { tag: "ok", val: out });
  const stream = body.write();
  writeAll(stream, encoder.encode(message));
  stream.blockingFlush();
  stream[Symbol.dispose]?.();
  OutgoingBody.finish(body, undefined);
}
