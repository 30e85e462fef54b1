// HTTP errors of the control plane API: one class carrying status, a stable `error` code and a message, and
// the JSON `{error, message}` response every failure becomes (KV rule violations included).
import { KvError } from "../../core/kv/semantics.ts";

export class HttpError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = "HttpError";
    this.status = status;
    this.code = code;
  }
}

export function json(body: unknown, status: number = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });
}

export function errorResponse(status: number, code: string, message: string): Response {
  return json({ error: code, message }, status);
}

/** Turns anything thrown by a route into its JSON response; unexpected errors are 500 and logged. */
export function toErrorResponse(e: unknown): Response {
  if (e instanceof HttpError) return errorResponse(e.status, e.code, e.message);
  if (e instanceof KvError) return errorResponse(e.status, e.code, e.message);
  console.error("control plane: internal error:", e);
  return errorResponse(500, "internal", e instanceof Error ? e.message : String(e));
}

export const notFound = (what: string): HttpError => new HttpError(404, "not_found", what);
