// The KV binding on `env` (Workers KV's API) over the outpost:edge/kv imports. Reads come from the
// region's replica; writes are ordered by the control plane. Errors from the host are thrown as
// Errors whose message names the limit or binding; arguments the WIT types cannot carry (a value,
// type, option or metadata of the wrong kind) are refused here with a TypeError naming them. Result
// shapes follow Workers KV, `cacheStatus: null` included; `cacheTtl` is accepted and ignored; `get`
// and `getWithMetadata` of an array of keys are Workers' bulk reads (a Map by key).
import * as kv from "outpost:edge/kv@0.1.0";
import { ownArrayBuffer } from "./body.ts";
import type { KVGetOptions, KVListOptions, KVNamespace, KVPutOptions, KVPutValue, KVValueType } from "../types.ts";

const decoder = new TextDecoder();
const encoder = new TextEncoder();
const TYPES: readonly string[] = ["text", "json", "arrayBuffer", "stream"];
const BULK_MAX = 100;

function rethrow(err: unknown): never {
  const p = (err as { payload?: { tag?: string; val?: string } })?.payload;
  if (p?.tag) throw new Error(`KV ${p.tag}: ${p.val ?? ""}`.trim());
  throw err;
}

function typeOf(options: KVValueType | KVGetOptions | undefined): KVValueType {
  const type = (typeof options === "string" ? options : options?.type) ?? "text";
  if (!TYPES.includes(type)) throw new TypeError(`KV get(): unknown type ${JSON.stringify(type)}; use one of ${TYPES.join(", ")}`);
  return type;
}

function decode(bytes: Uint8Array, type: KVValueType): unknown {
  switch (type) {
    case "text": return decoder.decode(bytes);
    case "json": return JSON.parse(decoder.decode(bytes));
    case "arrayBuffer": return ownArrayBuffer(bytes);
    case "stream": return new Response(ownArrayBuffer(bytes)).body;
  }
}

async function toBytes(value: KVPutValue): Promise<Uint8Array> {
  if (typeof value === "string") return encoder.encode(value);
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  if (value && typeof (value as ReadableStream).getReader === "function") return new Uint8Array(await new Response(value).arrayBuffer());
  throw new TypeError("KV put(): the value must be a string, ArrayBuffer, ArrayBufferView or ReadableStream");
}

/** A whole number of seconds for a u64 option, or undefined when not given. */
function seconds(v: unknown, name: string): bigint | undefined {
  if (v === undefined || v === null) return undefined;
  const n = typeof v === "string" && v.trim() !== "" ? Number(v) : v;
  if (typeof n !== "number" || !Number.isFinite(n) || n < 0) throw new TypeError(`KV put(): ${name} must be a number of seconds, got ${JSON.stringify(v)}`);
  return BigInt(Math.min(Math.floor(n), Number.MAX_SAFE_INTEGER + 1)); // past that the host names the rule
}

function metadataJson(metadata: unknown): string | undefined {
  if (metadata === undefined) return undefined;
  let json: string | undefined;
  try { json = JSON.stringify(metadata); } catch (err) { throw new TypeError(`KV put(): metadata is not serializable as JSON: ${(err as Error).message}`); }
  if (json === undefined) throw new TypeError(`KV put(): metadata is not serializable as JSON (a ${typeof metadata})`);
  return json;
}

/** `limit` for the u32 the WIT carries; the host checks its range and names it. */
function listLimit(v: unknown): number | undefined {
  if (v === undefined || v === null) return undefined;
  const n = typeof v === "string" && v.trim() !== "" ? Number(v) : v;
  if (typeof n !== "number" || !Number.isInteger(n) || n < 0) throw new TypeError(`KV list(): limit must be a positive integer, got ${JSON.stringify(v)}`);
  return Math.min(n, 0xffffffff);
}

/** Workers KV's bulk read: up to 100 keys, as text or JSON, into a Map by key. */
function bulk<T>(keys: unknown[], type: KVValueType, read: (key: string, type: KVValueType) => T): Map<string, T> {
  if (keys.length > BULK_MAX) throw new TypeError(`KV get(): a bulk get takes at most ${BULK_MAX} keys, got ${keys.length}`);
  if (type !== "text" && type !== "json") throw new TypeError(`KV get(): a bulk get reads "text" or "json", not ${JSON.stringify(type)}`);
  const out = new Map<string, T>();
  for (const k of keys) out.set(String(k), read(String(k), type));
  return out;
}

const optionalString = (v: unknown): string | undefined => (v === undefined || v === null ? undefined : String(v));

export function kvNamespace(binding: string): KVNamespace {
  const read = (key: string) => {
    try { return kv.get(binding, String(key)); } catch (err) { rethrow(err); }
  };
  const value = (key: string, type: KVValueType) => {
    const found = read(key);
    return found ? decode(found.value, type) : null;
  };
  const withMetadata = (key: string, type: KVValueType) => {
    const found = read(key);
    if (!found) return { value: null, metadata: null, cacheStatus: null };
    const metadata = found.metadata === undefined ? null : JSON.parse(found.metadata);
    return { value: decode(found.value, type), metadata, cacheStatus: null };
  };
  const ns = {
    async get(key: string | string[], options?: KVValueType | KVGetOptions) {
      const type = typeOf(options);
      return Array.isArray(key) ? bulk(key, type, value) : value(key, type);
    },
    async getWithMetadata(key: string | string[], options?: KVValueType | KVGetOptions) {
      const type = typeOf(options);
      return Array.isArray(key) ? bulk(key, type, withMetadata) : withMetadata(key, type);
    },
    async put(key: string, value: KVPutValue, options: KVPutOptions = {}) {
      const bytes = await toBytes(value);
      const opts = {
        expiration: seconds(options?.expiration, "expiration"),
        expirationTtl: seconds(options?.expirationTtl, "expirationTtl"),
        metadata: metadataJson(options?.metadata),
      };
      try { kv.put(binding, String(key), bytes, opts); } catch (err) { rethrow(err); }
    },
    async delete(key: string) {
      try { kv.delete(binding, String(key)); } catch (err) { rethrow(err); }
    },
    async list(options: KVListOptions = {}) {
      const limit = listLimit(options?.limit);
      let r: ReturnType<typeof kv.listKeys>;
      try {
        r = kv.listKeys(binding, { prefix: optionalString(options?.prefix), limit, cursor: optionalString(options?.cursor) });
      } catch (err) { rethrow(err); }
      const keys = r.keys.map((k) => ({
        name: k.name,
        ...(k.expiration === undefined ? {} : { expiration: Number(k.expiration) }),
        ...(k.metadata === undefined ? {} : { metadata: JSON.parse(k.metadata) }),
      }));
      return r.listComplete
        ? { keys, list_complete: true as const, cacheStatus: null }
        : { keys, list_complete: false as const, cursor: r.cursor ?? "", cacheStatus: null };
    },
  };
  return ns as KVNamespace;
}
