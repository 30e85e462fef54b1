// What the host itself writes on Node's HTTP objects: header lists as name/value pairs, and the plain-text
// error a request gets when the host (not the guest) answers it (a limit, a trap, an unloaded app).
import type { ServerResponse } from "node:http";

/** Node's flat `rawHeaders`/`rawTrailers` list (name, value, name, value, ...) as pairs. */
export function pairs(raw: readonly string[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (let i = 0; i < raw.length; i += 2) out.push([raw[i], raw[i + 1]]);
  return out;
}

/**
 * Answers `status` with `message` as text, marked `x-outpost-error: <limit or 1>`; a response whose head
 * already went out cannot change its status, so its connection is cut instead.
 */
export function hostError(res: ServerResponse, status: number, message: string, requestId: string, limit?: string): void {
  if (res.headersSent) return void res.destroy();
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8", "x-outpost-error": limit ?? "1", "x-outpost-request-id": requestId });
  res.end(message + "\n");
}
