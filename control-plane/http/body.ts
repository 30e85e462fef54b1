// Request bodies: read with a size limit (413 naming it), decode JSON or msgpack (400 when malformed), and
// check fields (400 naming the field).
import { Unpackr } from "msgpackr";
import { ByteCollector } from "../../core/byte-collector.ts";
import { HttpError } from "./errors.ts";

const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true });

export const MiB = 1024 * 1024;

/** The whole body as bytes; 413 when `content-length` or the bytes read pass `limit`. */
export async function readBytes(request: Request, limit: number, what: string): Promise<Buffer> {
  const declared = Number(request.headers.get("content-length") ?? NaN);
  const tooLarge = (n: number | string) =>
    new HttpError(413, "body_too_large", `${what} is ${n} bytes, over the limit of ${limit} bytes (${(limit / MiB).toFixed(limit % MiB ? 2 : 0)} MiB)`);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(declared);
  if (!request.body) return Buffer.alloc(0);
  const body = new ByteCollector(declared);
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (body.size + value.byteLength > limit) {
      reader.releaseLock();
      throw tooLarge(`more than ${limit}`);
    }
    body.add(value);
  }
  const bytes = body.bytes();
  if (!bytes) throw new HttpError(400, "bad_request", `${what} declared content-length ${declared} but ${body.size} bytes arrived`);
  return bytes;
}

function mediaType(request: Request): string {
  return (request.headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
}

export function isMsgpack(request: Request): boolean {
  return mediaType(request) === "application/x-msgpack" || mediaType(request) === "application/msgpack";
}

/** A msgpack or JSON object body (by content-type; JSON when unspecified). */
export async function readObject(request: Request, limit: number, what: string): Promise<Record<string, unknown>> {
  const bytes = await readBytes(request, limit, what);
  let value: unknown;
  if (isMsgpack(request)) {
    try {
      value = unpackr.unpack(bytes);
    } catch (e) {
      throw new HttpError(400, "bad_request", `${what} is not valid msgpack: ${(e as Error).message}`);
    }
  } else {
    const type = mediaType(request);
    if (type && type !== "application/json") {
      throw new HttpError(415, "unsupported_media_type", `${what} must be application/json or application/x-msgpack, got ${type}`);
    }
    try {
      value = JSON.parse(bytes.toString("utf8") || "{}");
    } catch (e) {
      throw new HttpError(400, "bad_request", `${what} is not valid JSON: ${(e as Error).message}`);
    }
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new HttpError(400, "bad_request", `${what} must be an object`);
  }
  return value as Record<string, unknown>;
}

export function badField(field: string, rule: string): HttpError {
  return new HttpError(400, "bad_request", `field '${field}' ${rule}`);
}

export function stringField(body: Record<string, unknown>, field: string): string {
  const v = body[field];
  if (typeof v !== "string" || v.length === 0) throw badField(field, "must be a non-empty string");
  return v;
}

export function intField(body: Record<string, unknown>, field: string, min: number, max: number): number {
  const v = body[field];
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) throw badField(field, `must be an integer from ${min} to ${max}`);
  return v;
}

export function optionalIntField(body: Record<string, unknown>, field: string, min: number, max: number): number | undefined {
  return body[field] === undefined || body[field] === null ? undefined : intField(body, field, min, max);
}

export function bytesField(body: Record<string, unknown>, field: string): Buffer {
  const v = body[field];
  if (!(v instanceof Uint8Array)) throw badField(field, "must be bytes (a msgpack bin)");
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}
