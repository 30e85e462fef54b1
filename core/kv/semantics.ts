// Workers-KV semantics as pure functions, shared by the control plane (the primary) and every edge replica
// (local reads): lazy expiry, reads, and list pagination with an opaque cursor over any store that can
// iterate keys in UTF-8 byte order. The write-side rules and limits are in validate.ts, re-exported here.
import { KV_LIMITS, KvError, utf8Length, validateKey } from "./validate.ts";

export * from "./validate.ts";

/** One stored entry, as the CP's `kv` db and the replicas keep it. `metadata` is serialized JSON. */
export interface KvStoredEntry {
  value: Uint8Array;
  metadata?: string;
  /** Seconds since the epoch. */
  expiration?: number;
  /** Log sequence number of the write that produced it. */
  seq: number;
}

export interface KvListKey {
  name: string;
  expiration?: number;
  metadata?: unknown;
}

export interface KvListResult {
  keys: KvListKey[];
  list_complete: boolean;
  /** Present when `list_complete` is false: pass it back to get the next page. */
  cursor?: string;
}

/** Yields the entries whose key is >= `from`, in UTF-8 byte order, until the store ends (callers stop early). */
export type KvRangeReader = (from: string) => Iterable<{ key: string; entry: KvStoredEntry }>;

/** Reads one entry by key, or undefined. */
export type KvLookup = (key: string) => KvStoredEntry | undefined;

const utf8 = new TextEncoder();

/** Compares two keys in UTF-8 byte order (which is not JS string order for characters beyond U+FFFF). */
export function compareKeys(a: string, b: string): number {
  const x = utf8.encode(a);
  const y = utf8.encode(b);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

export function isExpired(entry: { expiration?: number }, nowMs: number): boolean {
  return entry.expiration !== undefined && entry.expiration * 1000 <= nowMs;
}

/** Reads a key with lazy expiry: an expired entry reads as missing and is reported to `onExpired`. */
export function getEntry(lookup: KvLookup, key: string, nowMs: number, onExpired?: (key: string) => void): KvStoredEntry | undefined {
  validateKey(key);
  const entry = lookup(key);
  if (entry === undefined) return undefined;
  if (isExpired(entry, nowMs)) {
    onExpired?.(key);
    return undefined;
  }
  return entry;
}

/** The opaque list cursor: base64url of the last key returned. */
export function encodeCursor(lastKey: string): string {
  return Buffer.from(lastKey, "utf8").toString("base64url");
}

export function decodeCursor(cursor: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw new KvError(400, "invalid_cursor", "cursor is not one returned by list (not base64url)");
  const key = Buffer.from(cursor, "base64url").toString("utf8");
  if (key.length === 0 || key.includes("\uFFFD") || encodeCursor(key) !== cursor) {
    throw new KvError(400, "invalid_cursor", "cursor is not one returned by list");
  }
  return key;
}

export interface KvListOptions {
  prefix?: unknown;
  cursor?: unknown;
  limit?: unknown;
}

/** Validated list options: keys start with `prefix`, come after `after` (from the cursor), at most `limit`. */
export interface KvListQuery {
  prefix: string;
  after?: string;
  limit: number;
}

export function parseListOptions(options: KvListOptions): KvListQuery {
  const prefix = options.prefix ?? "";
  if (typeof prefix !== "string") throw new KvError(400, "invalid_prefix", "prefix must be a string");
  if (!prefix.isWellFormed()) throw new KvError(400, "invalid_prefix", "prefix is not valid UTF-8 (it contains a lone surrogate)");
  if (utf8Length(prefix) > KV_LIMITS.keyBytes) {
    throw new KvError(413, "key_too_large", `prefix is over the key size limit of ${KV_LIMITS.keyBytes} bytes`);
  }
  let limit: number = KV_LIMITS.listLimit;
  if (options.limit !== undefined && options.limit !== null && options.limit !== "") {
    const n = typeof options.limit === "string" ? Number(options.limit) : options.limit;
    if (typeof n !== "number" || !Number.isInteger(n) || n < 1 || n > KV_LIMITS.listLimit) {
      throw new KvError(400, "invalid_limit", `limit must be an integer from 1 to ${KV_LIMITS.listLimit}, got ${JSON.stringify(options.limit)}`);
    }
    limit = n;
  }
  const query: KvListQuery = { prefix, limit };
  if (options.cursor !== undefined && options.cursor !== null && options.cursor !== "") {
    if (typeof options.cursor !== "string") throw new KvError(400, "invalid_cursor", "cursor must be a string");
    query.after = decodeCursor(options.cursor);
  }
  return query;
}

/**
 * One page of `list`: live keys starting with the prefix, after the cursor, in byte order. Expired entries
 * are skipped and reported to `onExpired` (lazy removal is the caller's choice).
 */
export function listKeys(read: KvRangeReader, options: KvListOptions, nowMs: number, onExpired?: (key: string) => void): KvListResult {
  const q = parseListOptions(options);
  const from = q.after !== undefined && compareKeys(q.after, q.prefix) > 0 ? q.after : q.prefix;
  const keys: KvListKey[] = [];
  let more = false;
  for (const { key, entry } of read(from)) {
    if (!key.startsWith(q.prefix)) break;
    if (key === q.after) continue;
    if (isExpired(entry, nowMs)) {
      onExpired?.(key);
      continue;
    }
    if (keys.length === q.limit) {
      more = true;
      break;
    }
    const item: KvListKey = { name: key };
    if (entry.expiration !== undefined) item.expiration = entry.expiration;
    if (entry.metadata !== undefined) item.metadata = JSON.parse(entry.metadata);
    keys.push(item);
  }
  const result: KvListResult = { keys, list_complete: !more };
  if (more) result.cursor = encodeCursor(keys[keys.length - 1].name);
  return result;
}
