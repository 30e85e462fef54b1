// The guest's half of outpost:edge/crypto: the CryptoKeys whose handles (descriptor and material) it
// keeps (the host is stateless), the engine's own HMAC keys with how to make theirs when a host call
// needs one, the params JSON it sends (buffers as {"$b": base64}, keys as {"$k": base64 handle}), the
// key results it reads back, and the host's {name, message} errors rethrown as the TypeError or
// DOMException WebCrypto specifies. A call made before the app serves (its top-level code runs at
// build time, where the host cannot be called) waits, and runs when the first event arrives.
import { call, type Op } from "outpost:edge/crypto@0.1.0";
import { ownBytes } from "../body.ts";
import { isLive, whenLive } from "./host-call.ts";

/** Each CryptoKey's handle: a host-made key's from its birth, an engine key's once a host call needed it. */
const handles = new WeakMap<object, Uint8Array>();
/** The engine's own keys (HMAC, which it signs with itself), each with how to get its handle from the host. */
const engineKeys = new WeakMap<object, () => Uint8Array>();
const encoder = new TextEncoder();
const NONE = new Uint8Array(0);
const decoder = new TextDecoder();

/** The prototype host-made keys get: the engine's CryptoKey's when it has one, so `instanceof CryptoKey` holds. */
const keyPrototype: object = typeof CryptoKey === "function" ? CryptoKey.prototype : Object.prototype;

/** Whether `v` is a CryptoKey these operations take: host-made, or the engine's with a known way to its handle. */
export const isKey = (v: unknown): boolean => typeof v === "object" && v !== null && (handles.has(v) || engineKeys.has(v));
export const isEngineKey = (v: unknown): boolean => engineKeys.has(v as object); // false for a non-object
/** Registers an engine-made key; `handle` makes its handle (at most once, when a host call first needs it). */
export const adoptEngineKey = (key: CryptoKey, handle: () => Uint8Array): void => void engineKeys.set(key, handle);

function handleOf(key: object | null): Uint8Array {
  if (!key) return NONE;
  let h = handles.get(key);
  if (!h) {
    const make = engineKeys.get(key);
    if (!make) return NONE;
    handles.set(key, (h = make()));
  }
  return h;
}

type Bytes = Uint8Array<ArrayBuffer>;
const toBase64: ((this: Uint8Array) => string) | undefined = (Uint8Array.prototype as { toBase64?: () => string }).toBase64;

function base64(u: Uint8Array): string {
  if (toBase64) return toBase64.call(u);
  let s = "";
  for (let i = 0; i < u.length; i += 0x8000) s += String.fromCharCode.apply(null, u.subarray(i, i + 0x8000) as unknown as number[]);
  return btoa(s);
}

/** A BufferSource's bytes (a view, not a copy: the host call copies them), or null when `v` is none. */
export function bytesOf(v: unknown): Uint8Array | null {
  if (v instanceof ArrayBuffer) return new Uint8Array(v);
  if (ArrayBuffer.isView(v)) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  return null;
}

/** A params value as the host reads it: BufferSources as {"$b"}, CryptoKeys as {"$k"}, dictionaries member by member. */
function wire(v: unknown, depth = 0): unknown {
  if (typeof v !== "object" || v === null) return v;
  if (depth > 8) throw new TypeError("an algorithm nests too deeply (or is cyclic)");
  if (v instanceof ArrayBuffer || ArrayBuffer.isView(v)) return { $b: base64(bytesOf(v)!) };
  if (isKey(v)) return { $k: base64(handleOf(v)) };
  if (Array.isArray(v)) return v;
  const out: Record<string, unknown> = {};
  for (const k in v) out[k] = wire((v as Record<string, unknown>)[k], depth + 1);
  return out;
}

/** An operation's params (its arguments besides key and data) as the UTF-8 JSON the host reads. */
const paramsJson = (params: Record<string, unknown>): Uint8Array => encoder.encode(JSON.stringify(wire(params)));

/** The host's Err JSON as the error WebCrypto throws: a TypeError, or a DOMException of that name. */
function rethrown(err: unknown): unknown {
  const payload = (err as { payload?: unknown } | null)?.payload;
  if (typeof payload !== "string") return err;
  let info: { name?: string; message?: string };
  try { info = JSON.parse(payload); } catch { return err; }
  return info.name === "TypeError" ? new TypeError(info.message) : new DOMException(info.message ?? "", info.name ?? "OperationError");
}

/** The request of one call: params, key handle (each after its u32 LE length), then the data. */
function request(params: Uint8Array, key: Uint8Array, data: Uint8Array): Uint8Array {
  const req = new Uint8Array(8 + params.length + key.length + data.length);
  const view = new DataView(req.buffer);
  view.setUint32(0, params.length, true);
  req.set(params, 4);
  view.setUint32(4 + params.length, key.length, true);
  req.set(key, 8 + params.length);
  req.set(data, 8 + params.length + key.length);
  return req;
}

function run(op: Op, params: Record<string, unknown>, key: object | null, data: Uint8Array): Bytes {
  const req = request(paramsJson(params), handleOf(key), data); // a copy of data: the app may reuse its buffer
  try {
    return ownBytes(call(op, req));
  } catch (err) {
    throw rethrown(err);
  }
}

/**
 * One host call: `params` are the method's other arguments, `key` the key it acts with. Its output as
 * the app realm's bytes; before the app serves, a promise of them, settled at the first event.
 */
export function hostCall(op: Op, params: Record<string, unknown>, key: object | null, data: Uint8Array): Bytes | Promise<Bytes> {
  if (isLive()) return run(op, params, key, data);
  const copy = ownBytes(data);
  return new Promise<Bytes>((resolve, reject) => whenLive(() => {
    try { resolve(run(op, params, key, copy)); } catch (err) { reject(err); }
  }));
}

/** The handles of a key result, each after its u32 LE length (a pair: public, then private). */
export function handlesIn(out: Bytes): Bytes[] {
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  const found: Bytes[] = [];
  for (let at = 0; at + 4 <= out.length; at += 4 + view.getUint32(at, true)) found.push(out.slice(at + 4, at + 4 + view.getUint32(at, true)));
  return found;
}

/** Applies `f` to a host call's output, without a promise turn when the call was made now. */
export function then<T>(out: Bytes | Promise<Bytes>, f: (b: Bytes) => T): T | Promise<T> {
  return out instanceof Promise ? out.then(f) : f(out);
}

type Spec = { type: KeyType; extractable: boolean; algorithm: Record<string, unknown>; usages: KeyUsage[] };

/** A handle's parts: the CryptoKey attributes its descriptor holds, and the material after it. */
export function parseHandle(handle: Bytes): { spec: Spec; material: Bytes } {
  const length = new DataView(handle.buffer, handle.byteOffset, 4).getUint32(0, true);
  const spec = JSON.parse(decoder.decode(handle.subarray(4, 4 + length))) as Spec;
  if (Array.isArray(spec.algorithm.publicExponent)) spec.algorithm.publicExponent = new Uint8Array(spec.algorithm.publicExponent as number[]);
  return { spec, material: handle.subarray(4 + length) };
}

/** The CryptoKey of a handle: its attributes from the descriptor, as own properties (as workerd has them). */
function makeKey(handle: Bytes): CryptoKey {
  const { spec } = parseHandle(handle);
  const own = (value: unknown) => ({ value, enumerable: true, configurable: false, writable: false });
  const key = Object.create(keyPrototype, { type: own(spec.type), extractable: own(spec.extractable), algorithm: own(spec.algorithm), usages: own(spec.usages) }) as CryptoKey;
  handles.set(key, handle);
  return key;
}

/** The keys of a key result: one CryptoKey, or a pair. */
export function keysOf(out: Bytes): CryptoKey | CryptoKeyPair {
  const keys = handlesIn(out).map(makeKey);
  return keys.length === 2 ? { publicKey: keys[0], privateKey: keys[1] } : keys[0];
}

/** An exportKey result: the JWK object, or the bytes as an ArrayBuffer. */
export const exported = (format: string, out: Bytes): JsonWebKey | ArrayBuffer => (format === "jwk" ? JSON.parse(decoder.decode(out)) : out.buffer);
