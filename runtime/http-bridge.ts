// Bridges Node's HTTP objects and the wasi:http resources: an IncomingMessage becomes an
// incoming-request (streamed body, size-limited), and the guest's outgoing-response is written
// to the ServerResponse as soon as the response-outparam is set, streaming its body.
import type { IncomingMessage, ServerResponse } from "node:http";
import { Fields } from "./host/fields.ts";
import { pairs } from "./http-host.ts";
import { IncomingBody, IncomingRequest, ResponseOutparam, type OutgoingResponse, type OutparamResult } from "./host/http-types.ts";

export class LimitError extends Error {
  readonly status: number;
  constructor(status: number, message: string) { super(message); this.status = status; }
}

async function* limited(req: IncomingMessage, maxBytes: number): AsyncGenerator<Uint8Array> {
  let total = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    total += chunk.byteLength;
    if (total > maxBytes) throw new LimitError(413, `request body over ${maxBytes} bytes (limits.max_request_body_mb)`);
    yield chunk;
  }
}

export function toIncomingRequest(req: IncomingMessage, opts: { scheme: string; maxBodyBytes: number }): IncomingRequest {
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  const body = new IncomingBody(hasBody ? limited(req, opts.maxBodyBytes) : null, () =>
    req.rawTrailers.length ? Fields.fromHost(pairs(req.rawTrailers)) : undefined,
  );
  return new IncomingRequest({
    method: req.method ?? "GET",
    path: req.url ?? "/",
    scheme: opts.scheme,
    authority: req.headers.host ?? "localhost",
    headers: Fields.fromHost(pairs(req.rawHeaders)),
    body,
  });
}

export interface ResponseState {
  outparam: ResponseOutparam;
  /** Settles when the response is fully written (or failed); `sent` says whether the guest answered. */
  finished: Promise<{ sent: boolean; error?: string }>;
  /** "none": no outparam yet; "head": head sent, body still open; "done": body finished. */
  progress(): "none" | "head" | "done";
}

/** A response-outparam wired to `res`. Body bytes over `maxBodyBytes` abort the response. */
export function responder(res: ServerResponse, opts: { maxBodyBytes: number; extraHeaders?: Array<[string, string]>; onHead?: () => void }): ResponseState {
  let settle!: (v: { sent: boolean; error?: string }) => void;
  const finished = new Promise<{ sent: boolean; error?: string }>((r) => (settle = r));
  let progress: "none" | "head" | "done" = "none";
  const outparam = new ResponseOutparam((result: OutparamResult) => {
    if (result.tag === "err") {
      settle({ sent: false, error: `guest answered with error ${JSON.stringify(result.val)}` });
      return;
    }
    const response: OutgoingResponse = result.val;
    progress = "head";
    opts.onHead?.();
    const headers = response.headers().toHost();
    for (const h of opts.extraHeaders ?? []) headers.push(h);
    res.writeHead(response.statusCode(), headers.flat());
    const body = response.takenBody();
    let written = 0;
    body.attach({
      write(chunk) {
        written += chunk.byteLength;
        if (written > opts.maxBodyBytes) throw new LimitError(502, `response body over ${opts.maxBodyBytes} bytes (limits.max_response_body_mb)`);
        if (res.write(chunk)) return;
        return new Promise<void>((resolve, reject) => {
          const onDrain = () => { res.off("close", onClose); resolve(); };
          const onClose = () => { res.off("drain", onDrain); reject(new Error("client closed the connection")); };
          res.once("drain", onDrain);
          res.once("close", onClose);
        });
      },
    });
    void body.done.then(async ({ trailers, aborted }) => {
      progress = "done";
      await body.stream.flushed();
      if (aborted || written > opts.maxBodyBytes) {
        res.destroy();
        settle({ sent: true, error: aborted ? "response body dropped before it was finished" : `response body over ${opts.maxBodyBytes} bytes` });
        return;
      }
      if (trailers) res.addTrailers(trailers.toHost());
      res.end(() => settle({ sent: true }));
    });
  });
  return { outparam, finished, progress: () => progress };
}
