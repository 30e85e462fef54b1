// The KV binding on `env` (Workers KV's API) over the outpost:edge/kv imports. Reads come from the
// region's replica; writes are ordered by the control plane. Errors from the host are thrown as
// Errors whose message names the limit or binding.
import * as kv from "outpost:edge/kv@0.1.0";
import type { KVNamespace, KVPutOptions, KVValueType } from "../types.ts";

const decoder = new TextDecoder();
const encoder = new TextEncoder();

function rethrow(err: unknown): never {
  const p = (err as { payload?: { tag?: string; val?: string } })?.payload;
  if (p?.tag) throw new Error(`KV ${p.tag}: ${p.val ?? ""}`.trim());
  throw err;
}

function typeOf(options: KVValueType | { type?: KVValueType } | undefined): KVValueType {
  return (typeof options === "string" ? options : options?.type) ?? "text";
}

function decode(bytes: Uint8Array, type: KVValueType): unknown {
  switch (type) {
    case "text": return decoder.decode(bytes);
    case "json": return JSON.parse(decoder.decode(bytes));
    case "arrayBuffer": return bytes.slice().buffer;
    case "stream": return new Response(bytes.slice()).body;
  }
}

async function toBytes(value: string | ArrayBuffer | ArrayBufferView | ReadableStream): Promise<Uint8Array> {
  if (typeof value === "string") return encoder.encode(value);
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  if (value && typeof (value as ReadableStream).getReader === "function") return new Uint8Array(await new Response(value).arrayBuffer());
  throw new TypeError("KV put() value must be a string, ArrayBuffer, ArrayBufferView or ReadableStream");
}

export function kvNamespace(binding: string): KVNamespace {
  const read = (key: string) => {
    try { return kv.get(binding, String(key)); } catch (err) { rethrow(err); }
  };
  const ns = {
    async get(key: string, options?: KVValueType | { type?: KVValueType }) {
      const found = read(key);
      return found ? decode(found.value, typeOf(options)) : null;
    },
    async getWithMetadata(key: string, options?: KVValueType | { type?: KVValueType }) {
      const found = read(key);
      if (!found) return { value: null, metadata: null };
      return { value: decode(found.value, typeOf(options)), metadata: found.metadata === undefined ? null : JSON.parse(found.metadata) };
    },
    async put(key: string, value: string | ArrayBuffer | ArrayBufferView | ReadableStream, options: KVPutOptions = {}) {
      const bytes = await toBytes(value);
      try {
        kv.put(binding, String(key), bytes, {
          expiration: options.expiration === undefined ? undefined : BigInt(Math.floor(options.expiration)),
          expirationTtl: options.expirationTtl === undefined ? undefined : BigInt(Math.floor(options.expirationTtl)),
          metadata: options.metadata === undefined ? undefined : JSON.stringify(options.metadata),
        });
      } catch (err) { rethrow(err); }
    },
    async delete(key: string) {
      try { kv.delete(binding, String(key)); } catch (err) { rethrow(err); }
    },
    async list(options: { prefix?: string; limit?: number; cursor?: string } = {}) {
      let r: ReturnType<typeof kv.listKeys>;
      try { r = kv.listKeys(binding, { prefix: options.prefix, limit: options.limit, cursor: options.cursor }); } catch (err) { rethrow(err); }
      const keys = r.keys.map((k) => ({
        name: k.name,
        ...(k.expiration === undefined ? {} : { expiration: Number(k.expiration) }),
        ...(k.metadata === undefined ? {} : { metadata: JSON.parse(k.metadata) }),
      }));
      return r.listComplete ? { keys, list_complete: true as const } : { keys, list_complete: false as const, cursor: r.cursor ?? "" };
    },
  };
  return ns as KVNamespace;
}
