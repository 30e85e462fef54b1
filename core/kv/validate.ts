// The write side of Workers-KV semantics as pure functions: the limits, and validation of namespaces, keys,
// values, metadata and expiration, with errors naming the limit (`status` 413 for sizes, 400 otherwise).
import { KV_ID } from "../config/schema.ts";

export const KV_LIMITS = {
  /** UTF-8 bytes of a key (Workers KV: 512). */
  keyBytes: 512,
  /** Bytes of a value (Workers KV: 25 MiB). */
  valueBytes: 25 * 1024 * 1024,
  /** UTF-8 bytes of the metadata serialized as JSON (Workers KV: 1024). */
  metadataBytes: 1024,
  /** Smallest `expirationTtl`, and how far in the future an absolute `expiration` must be (seconds). */
  minTtlSeconds: 60,
  /** Largest and default page size of `list`. */
  listLimit: 1000,
} as const;

export type KvErrorCode =
  | "invalid_namespace" | "invalid_key" | "key_too_large" | "invalid_value" | "value_too_large"
  | "invalid_metadata" | "metadata_too_large" | "invalid_expiration" | "invalid_expiration_ttl"
  | "invalid_cursor" | "invalid_limit" | "invalid_prefix";

/** A request that breaks a KV rule. `status` is 413 for sizes, 400 otherwise; the message names the limit. */
export class KvError extends Error {
  readonly status: 400 | 413;
  readonly code: KvErrorCode;
  constructor(status: 400 | 413, code: KvErrorCode, message: string) {
    super(message);
    this.name = "KvError";
    this.status = status;
    this.code = code;
  }
}

/** A validated write, ready to be logged and stored. */
export interface KvWrite {
  key: string;
  value: Uint8Array;
  metadata?: string;
  expiration?: number;
}

export interface KvPutOptions {
  metadata?: unknown;
  expiration?: unknown;
  expirationTtl?: unknown;
}

const utf8 = new TextEncoder();

export function utf8Length(s: string): number {
  return utf8.encode(s).length;
}

export function validateNamespace(namespace: unknown): string {
  if (typeof namespace !== "string" || !KV_ID.re.test(namespace)) {
    throw new KvError(400, "invalid_namespace", `namespace ${JSON.stringify(namespace)} is not ${KV_ID.rule}`);
  }
  return namespace;
}

export function validateKey(key: unknown): string {
  if (typeof key !== "string") throw new KvError(400, "invalid_key", "key must be a string");
  if (key.length === 0) throw new KvError(400, "invalid_key", "key is empty: keys are 1-512 bytes of UTF-8");
  if (key === "." || key === "..") throw new KvError(400, "invalid_key", `key ${JSON.stringify(key)} is not allowed ("." and ".." are reserved)`);
  if (!key.isWellFormed()) throw new KvError(400, "invalid_key", "key is not valid UTF-8 (it contains a lone surrogate)");
  const bytes = utf8Length(key);
  if (bytes > KV_LIMITS.keyBytes) {
    throw new KvError(413, "key_too_large", `key is ${bytes} bytes of UTF-8, over the key size limit of ${KV_LIMITS.keyBytes} bytes`);
  }
  return key;
}

export function validateValue(value: unknown): Uint8Array {
  if (!(value instanceof Uint8Array)) throw new KvError(400, "invalid_value", "value must be bytes");
  if (value.byteLength > KV_LIMITS.valueBytes) {
    throw new KvError(413, "value_too_large", `value is ${value.byteLength} bytes, over the value size limit of ${KV_LIMITS.valueBytes} bytes (25 MiB)`);
  }
  return value;
}

/** Serializes metadata to JSON and checks its size; undefined means no metadata. */
export function encodeMetadata(metadata: unknown): string | undefined {
  if (metadata === undefined) return undefined;
  let json: string | undefined;
  try {
    json = JSON.stringify(metadata);
  } catch (e) {
    throw new KvError(400, "invalid_metadata", `metadata is not serializable as JSON: ${(e as Error).message}`);
  }
  if (json === undefined) throw new KvError(400, "invalid_metadata", "metadata is not serializable as JSON");
  const bytes = utf8Length(json);
  if (bytes > KV_LIMITS.metadataBytes) {
    throw new KvError(413, "metadata_too_large", `metadata is ${bytes} bytes of JSON, over the metadata size limit of ${KV_LIMITS.metadataBytes} bytes`);
  }
  return json;
}

export function decodeMetadata(metadata: string | undefined): unknown {
  return metadata === undefined ? null : JSON.parse(metadata);
}

function integer(v: unknown, what: string, code: KvErrorCode): number {
  const n = typeof v === "string" && v.trim() !== "" ? Number(v) : v;
  if (typeof n !== "number" || !Number.isSafeInteger(n)) {
    throw new KvError(400, code, `${what} must be an integer number of seconds, got ${JSON.stringify(v)}`);
  }
  return n;
}

/** The absolute expiration (seconds since the epoch) of a put, or undefined when it never expires. */
export function computeExpiration(options: { expiration?: unknown; expirationTtl?: unknown }, nowMs: number): number | undefined {
  const nowSec = Math.floor(nowMs / 1000);
  const hasAbs = options.expiration !== undefined && options.expiration !== null;
  const hasTtl = options.expirationTtl !== undefined && options.expirationTtl !== null;
  if (hasAbs && hasTtl) {
    throw new KvError(400, "invalid_expiration", "give either expiration or expirationTtl, not both");
  }
  if (hasTtl) {
    const ttl = integer(options.expirationTtl, "expirationTtl", "invalid_expiration_ttl");
    if (ttl < KV_LIMITS.minTtlSeconds) {
      throw new KvError(400, "invalid_expiration_ttl", `expirationTtl is ${ttl} s, under the minimum of ${KV_LIMITS.minTtlSeconds} s`);
    }
    return nowSec + ttl;
  }
  if (hasAbs) {
    const at = integer(options.expiration, "expiration", "invalid_expiration");
    if (at < nowSec + KV_LIMITS.minTtlSeconds) {
      throw new KvError(400, "invalid_expiration", `expiration ${at} is less than ${KV_LIMITS.minTtlSeconds} s in the future (now is ${nowSec}); it must be seconds since the epoch, at least ${KV_LIMITS.minTtlSeconds} s ahead`);
    }
    return at;
  }
  return undefined;
}

/** Validates a put and computes its expiration. Both the CP and a replica (before forwarding) call it. */
export function preparePut(key: unknown, value: unknown, options: KvPutOptions, nowMs: number): KvWrite {
  const write: KvWrite = { key: validateKey(key), value: validateValue(value) };
  const metadata = encodeMetadata(options.metadata);
  if (metadata !== undefined) write.metadata = metadata;
  const expiration = computeExpiration(options, nowMs);
  if (expiration !== undefined) write.expiration = expiration;
  return write;
}

