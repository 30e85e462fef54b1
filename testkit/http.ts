// A small HTTP client for tests (undici): `call` sends JSON or msgpack with a bearer token (the test
// admin token unless told otherwise) and decodes the answer by its content type; `get` fetches a URL.
import { request } from "undici";
import { pack, unpack } from "msgpackr";
import { ADMIN } from "./tokens.ts";

export interface CallOptions {
  /** The bearer token; default the test admin token, null for none. */
  token?: string | null;
  json?: unknown;
  msgpack?: unknown;
  body?: Uint8Array | string;
  headers?: Record<string, string>;
}

export interface CallResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: any;
  bytes: Buffer;
}

export async function call(base: string, method: string, path: string, options: CallOptions = {}): Promise<CallResult> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== null) headers.authorization = `Bearer ${options.token ?? ADMIN}`;
  let body: Uint8Array | string | undefined = options.body;
  if (options.json !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(options.json);
  } else if (options.msgpack !== undefined) {
    headers["content-type"] = "application/x-msgpack";
    body = pack(options.msgpack);
  }
  const res = await request(base + path, { method: method as "GET", headers, body });
  const bytes = Buffer.from(await res.body.arrayBuffer());
  const type = String(res.headers["content-type"] ?? "");
  let parsed: unknown = bytes;
  if (type.includes("json")) parsed = JSON.parse(bytes.toString("utf8"));
  else if (type.includes("msgpack")) parsed = unpack(bytes);
  return { status: res.statusCode, headers: res.headers, body: parsed, bytes };
}

/** GET `url` (5 s timeouts) and parse JSON when it is JSON; `text` always. */
export async function get(url: string, token?: string): Promise<{ status: number; body: any; text: string; headers: Record<string, string | string[] | undefined> }> {
  const res = await request(url, { headers: token ? { authorization: `Bearer ${token}` } : {}, headersTimeout: 5_000, bodyTimeout: 5_000 });
  const text = await res.body.text();
  let body: any = null;
  try { body = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.statusCode, body, text, headers: res.headers };
}
