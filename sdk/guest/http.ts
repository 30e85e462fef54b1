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
  const headers: Array<[string, string]> = [];
  for (const [name, value] of req.headers().entries()) headers.push([name, decoder.decode(value)]);
  if (method === "GET" || method === "HEAD") return new Request(url, { method, headers });
  return new Request(url, { method, headers, body: readableFrom(req.consume().stream()), duplex: "half" } as RequestInit);
}

/**
 * The response's headers as wasi:http fields: one `fields.from-list` call (each import call costs
 * the guest a few microseconds), or, when the list is refused (a forbidden hop-by-hop header: the
 * host owns the connection), header by header without the refused ones.
 */
function responseFields(headers: Headers): Fields {
  const entries: Array<[string, Uint8Array]> = [];
  headers.forEach((value, name) => { entries.push([name, encoder.encode(value)]); });
  if (entries.length === 0) return new Fields();
  try {
    return Fields.fromList(entries);
  } catch {
    const fields = new Fields();
    for (const [name, value] of entries) {
      try { fields.append(name, value); } catch { /* forbidden: skipped */ }
    }
    return fields;
  }
}

/** Sends `response`; the returned promise settles when the body is fully written and finished. */
export async function sendResponse(response: Response, outparam: ResponseOutparam): Promise<void> {
  const out = new OutgoingResponse(responseFields(response.headers));
  if (response.status !== 200) out.setStatusCode(response.status); // 200 is the default: one import call saved
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
  stream.flush(); // the host drains accepted bytes before it ends the response (see pipeBody)
  stream[Symbol.dispose]?.();
  OutgoingBody.finish(body, undefined);
}
